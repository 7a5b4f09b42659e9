//! Cognito figures: the client side of SRP (A = g^a, then the PASSWORD_VERIFIER proof),
//! and a full SRP sign-in with MFA answered from the vault against the emulator (a fresh
//! client each time, so the JWKS fetch and token verification are included).

#[path = "../tests/support/ministack.rs"]
#[allow(dead_code)]
mod ministack;
#[path = "../tests/support/service.rs"]
mod service;

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use sesame::clock::SystemClock;
use sesame::cognito::srp::SrpClient;
use sesame::cognito::{self, AuthFlow, CognitoClient, CognitoConfig, SignIn, SignInStep};
use sesame::keystore::{self, KeystoreChoice};
use sesame::vault::{KdfCost, Vault, VaultPaths};

fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    getrandom::fill(&mut b).unwrap();
    b[0] &= 0x7f; // below N
    data_encoding::HEXLOWER.encode(&b)
}

fn srp(c: &mut Criterion) {
    let mut group = c.benchmark_group("cognito_srp");
    group.bench_function("new (A = g^a mod N)", |b| {
        b.iter(|| black_box(SrpClient::new("AbCdEf123").public_a()))
    });
    let client = SrpClient::new("AbCdEf123");
    let big_b = random_hex(384);
    let salt = random_hex(16);
    let block = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, [7u8; 1024]);
    group.bench_function("prove (PASSWORD_VERIFIER)", |b| {
        b.iter(|| {
            black_box(
                client
                    .prove(
                        "alice",
                        "Correct-Horse-9",
                        &salt,
                        &big_b,
                        &block,
                        1_800_000_000,
                    )
                    .unwrap(),
            )
        })
    });
    group.finish();
}

fn sign_in_with_mfa(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let ms = ministack::Ministack::start();
    let dir = tempfile::tempdir().unwrap();
    let paths = VaultPaths::in_dir(dir.path().join("sesame"));
    let keys = || keystore::open(&KeystoreChoice::File(dir.path().join("keys"))).unwrap();
    let mut vault = Vault::create(paths, keys(), None, KdfCost::DEFAULT).unwrap();
    let (config, enrolled) = rt.block_on(async {
        let pool = ms.pool(ministack::Mfa::Optional, false, None).await;
        let mut config = CognitoConfig::new(ministack::REGION, &pool.id, &pool.client_id).unwrap();
        config.endpoint = Some(ms.endpoint.clone());
        // The keys come from the issuer unless named: the emulator's are named.
        config.jwks_url = Some(format!("{}/{}/.well-known/jwks.json", ms.endpoint, pool.id));
        cognito::store::configure(&mut vault, config.clone()).unwrap();
        let client = cognito::store::client(vault.data()).unwrap();
        client
            .sign_up(
                "bench",
                "Correct-Horse-9",
                &[("email".into(), "b@example.com".into())],
            )
            .await
            .unwrap();
        client.confirm_sign_up("bench", "123456").await.unwrap();
        let (sign_in, step) =
            SignIn::start(&client, "bench", "Correct-Horse-9", AuthFlow::Srp, vec![])
                .await
                .unwrap();
        let SignInStep::Done(session) = step else {
            panic!("{step:?}")
        };
        cognito::session::save(&mut vault, &sign_in, &session).unwrap();
        cognito::enrollment::enable_totp(&std::sync::Mutex::new(&mut vault), &client)
            .await
            .unwrap();
        let state = cognito::CognitoState::load(vault.data()).unwrap();
        (config, state.enrolled(vault.data(), &pool.id))
    });
    let mut group = c.benchmark_group("cognito_emulator");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("full SRP sign-in with MFA from the vault", |b| {
        b.iter(|| {
            rt.block_on(async {
                let client = CognitoClient::new(config.clone(), Arc::new(SystemClock)).unwrap();
                let (mut sign_in, step) = SignIn::start(
                    &client,
                    "bench",
                    "Correct-Horse-9",
                    AuthFlow::Srp,
                    enrolled.clone(),
                )
                .await
                .unwrap();
                assert!(matches!(
                    step,
                    SignInStep::NeedMfaCode {
                        can_answer_from_vault: true,
                        ..
                    }
                ));
                let done = sign_in.answer_mfa_from_vault().await.unwrap();
                assert!(matches!(done, SignInStep::Done(_)));
            })
        })
    });
    group.finish();
}

criterion_group!(benches, srp, sign_in_with_mfa);
criterion_main!(benches);
