// The accounts and password the app's end-to-end tests use.
export const PASSWORD = "correct horse battery 42";

export const SECRET_LINK = "JBSWY3DPEHPK3PXP";
export const SECRET_TYPED = "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ";
export const SECRET_QR = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU";
export const SECRET_DEEP = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U";

export const LINK_EXAMPLE = `otpauth://totp/Example:alice%40example.com?secret=${SECRET_LINK}&issuer=Example`;
export const LINK_GITHUB = `otpauth://totp/GitHub:bob?secret=${SECRET_TYPED.replace(/ /g, "")}&issuer=GitHub&digits=8`;
export const LINK_ACME = `otpauth://totp/ACME:carol?secret=${SECRET_QR}&issuer=ACME`;
