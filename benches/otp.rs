//! Code generation: one account, and a vault's worth (1,000) every tick.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use sesame::{Algorithm, Otp, Params, Secret};

fn accounts(n: usize) -> Vec<Otp> {
    let algorithms = [Algorithm::SHA1, Algorithm::SHA256, Algorithm::SHA512];
    (0..n)
        .map(|i| {
            let secret = Secret::from_bytes((0..20).map(|b| (b * 7 + i) as u8).collect());
            let params = Params::totp(algorithms[i % 3], 6 + (i % 3) as u8, 30);
            Otp::new(&secret, params).unwrap()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let t = 1_700_000_000u64;
    let one = accounts(1);
    c.bench_function("code_at/1 account (SHA1)", |b| {
        b.iter(|| black_box(&one[0]).code_at(black_box(t)))
    });
    let many = accounts(1000);
    c.bench_function("code_at/1000 accounts (mixed SHA1/256/512)", |b| {
        b.iter(|| {
            for otp in &many {
                black_box(otp.code_at(black_box(t)));
            }
        })
    });
    c.bench_function("snapshot/1000 accounts (code + next + time left)", |b| {
        b.iter(|| {
            for otp in &many {
                black_box(otp.snapshot(black_box(t * 1000)));
            }
        })
    });
    c.bench_function("Otp::new/1000 accounts", |b| {
        b.iter(|| accounts(black_box(1000)))
    });
    c.bench_function("verify/window 1", |b| {
        b.iter(|| black_box(&one[0]).verify(black_box("123456"), black_box(t), 1))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
