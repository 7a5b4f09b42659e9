import { describe, expect, it } from "vitest";
import { ICON_COLORS, contrast, formatDuration, formatOffset, groupCode, iconColor, initials, luminance, svgDataUrl } from "./format";

describe("groupCode", () => {
  it.each([
    ["123456", "123 456"],
    ["12345678", "1234 5678"],
    ["1234567", "123 4567"],
    ["123456789", "123 456 789"],
    ["1234567890", "12345 67890"],
  ])("groups %s as %s", (code, grouped) => {
    expect(groupCode(code)).toBe(grouped);
  });

  it("leaves Steam codes and short codes as they are", () => {
    expect(groupCode("2BK7Q")).toBe("2BK7Q");
    expect(groupCode("12345")).toBe("12345");
  });

  it("gives an empty string for no code", () => {
    expect(groupCode(null)).toBe("");
    expect(groupCode(undefined)).toBe("");
    expect(groupCode("")).toBe("");
  });
});

describe("formatOffset", () => {
  it("shows a sign and one decimal", () => {
    expect(formatOffset(1234)).toBe("+1.2 s");
    expect(formatOffset(-420)).toBe("-0.4 s");
    expect(formatOffset(12_960)).toBe("+13.0 s");
  });
  it("shows no sign for no offset", () => {
    expect(formatOffset(0)).toBe("0.0 s");
    expect(formatOffset(40)).toBe("0.0 s");
    expect(formatOffset(-49)).toBe("0.0 s");
  });
});

describe("formatDuration", () => {
  it("reads like the settings", () => {
    expect(formatDuration(0)).toBe("never");
    expect(formatDuration(30)).toBe("30 s");
    expect(formatDuration(60)).toBe("1 min");
    expect(formatDuration(900)).toBe("15 min");
    expect(formatDuration(3600)).toBe("1 h");
    expect(formatDuration(90)).toBe("1 min 30 s");
  });
});

describe("initials", () => {
  it("takes the first letters of the first two words", () => {
    expect(initials("Amazon Web Services")).toBe("AW");
    expect(initials("  zürcher kantonalbank ")).toBe("ZK");
  });
  it("takes the capitals of a CamelCase word", () => {
    expect(initials("GitHub")).toBe("GH");
    expect(initials("PayPal")).toBe("PP");
  });
  it("takes one letter of a plain word", () => {
    expect(initials("google")).toBe("G");
    expect(initials("Steam")).toBe("S");
  });
  it("falls back to the name, without the e-mail domain", () => {
    expect(initials(null, "alice@example.com")).toBe("A");
    expect(initials("", "backup-server.home")).toBe("BS");
  });
  it("handles letters outside ASCII and text without letters", () => {
    expect(initials("Ölwerk")).toBe("Ö");
    expect(initials("日本銀行")).toBe("日");
    expect(initials("---", "")).toBe("?");
  });
});

describe("iconColor", () => {
  it("is stable and ignores case and spaces", () => {
    expect(iconColor("GitHub")).toBe(iconColor("github"));
    expect(iconColor("Amazon  Web Services")).toBe(iconColor(" amazon web services"));
    expect(ICON_COLORS).toContain(iconColor("Anything"));
  });
  it("spreads issuers over the palette", () => {
    const issuers = ["GitHub", "Google", "Microsoft", "Amazon", "Dropbox", "Steam", "Proton", "Cloudflare", "Facebook", "Apple", "Slack", "Discord"];
    expect(new Set(issuers.map((i) => iconColor(i))).size).toBeGreaterThanOrEqual(6);
  });
  it("keeps white initials readable (WCAG AA, 4.5:1) on every colour", () => {
    for (const c of ICON_COLORS) expect(contrast(c, "#ffffff"), c).toBeGreaterThanOrEqual(4.5);
  });
});

describe("contrast", () => {
  it("matches the WCAG reference values", () => {
    expect(contrast("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrast("#777777", "#ffffff")).toBeCloseTo(4.48, 2);
    expect(luminance("#ffffff")).toBeCloseTo(1, 5);
  });
});

describe("svgDataUrl", () => {
  it("encodes an SVG as base64, non-ASCII included", () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><title>Zürich</title></svg>';
    const url = svgDataUrl(svg);
    expect(url.startsWith("data:image/svg+xml;base64,")).toBe(true);
    const bytes = Uint8Array.from(atob(url.split(",")[1]), (c) => c.charCodeAt(0));
    expect(new TextDecoder().decode(bytes)).toBe(svg);
  });
});
