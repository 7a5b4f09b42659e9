"""Administers the Cognito emulator for the end-to-end tests, the way a pool's owner would:
creates a user pool and app client, and reads a user's MFA settings. Runs with the
emulator's own virtualenv (it ships botocore). Prints one JSON object.

    cognito_admin.py ENDPOINT create-pool [off|optional|required]
    cognito_admin.py ENDPOINT user-mfa POOL_ID USERNAME
    cognito_admin.py ENDPOINT invite-user POOL_ID USERNAME TEMPORARY_PASSWORD EMAIL
    cognito_admin.py ENDPOINT hosted-pool PORT [PROVIDER_NAME OIDC_ISSUER]
    cognito_admin.py ENDPOINT confirmed-user POOL_ID USERNAME PASSWORD EMAIL
    cognito_admin.py ENDPOINT create-user POOL_ID USERNAME PASSWORD
"""

import json
import sys

import botocore.session


def admin(endpoint):
    # ministack's root credentials; requests are signed like the real service's.
    return botocore.session.get_session().create_client(
        "cognito-idp",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def create_pool(client, mfa):
    setting = {"off": "OFF", "optional": "OPTIONAL", "required": "ON"}[mfa]
    pool = client.create_user_pool(PoolName=f"sesame-e2e-{mfa}", MfaConfiguration=setting)
    pool_id = pool["UserPool"]["Id"]
    if setting != "OFF":
        client.set_user_pool_mfa_config(
            UserPoolId=pool_id,
            SoftwareTokenMfaConfiguration={"Enabled": True},
            MfaConfiguration=setting,
        )
    app = client.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="sesame",
        GenerateSecret=False,
        ExplicitAuthFlows=[
            "ALLOW_USER_SRP_AUTH",
            "ALLOW_USER_PASSWORD_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH",
        ],
    )
    return {"region": "us-east-1", "pool_id": pool_id, "client_id": app["UserPoolClient"]["ClientId"]}


def user_mfa(client, pool_id, username):
    user = client.admin_get_user(UserPoolId=pool_id, Username=username)
    return {
        "mfa": user.get("UserMFASettingList", []),
        "preferred": user.get("PreferredMfaSetting"),
    }


def invite_user(client, pool_id, username, temporary, email):
    """An account made by the administrator: the first sign-in must choose a new password."""
    client.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        TemporaryPassword=temporary,
        UserAttributes=[{"Name": "email", "Value": email}],
        MessageAction="SUPPRESS",
    )
    return {"username": username}


def hosted_pool(client, port, provider=None, issuer=None):
    """A pool (MFA off) with a hosted-page app client answered at the loopback PORT, and
    optionally an OpenID provider at ISSUER named PROVIDER."""
    pool = client.create_user_pool(PoolName="sesame-e2e-hosted", MfaConfiguration="OFF")
    pool_id = pool["UserPool"]["Id"]
    providers = ["COGNITO"]
    if provider:
        client.create_identity_provider(
            UserPoolId=pool_id,
            ProviderName=provider,
            ProviderType="OIDC",
            ProviderDetails={
                "client_id": "cognito-pool",
                "client_secret": "cognito-pool-secret",
                "oidc_issuer": issuer,
                "authorize_scopes": "openid email profile",
                "attributes_request_method": "GET",
            },
            AttributeMapping={"email": "email", "name": "name"},
        )
        providers.append(provider)
    app = client.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="sesame-hosted",
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        AllowedOAuthFlows=["code"],
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthScopes=["openid", "email", "profile"],
        CallbackURLs=[f"http://127.0.0.1:{port}/callback"],
        LogoutURLs=[f"http://127.0.0.1:{port}/signed-out"],
        SupportedIdentityProviders=providers,
    )
    return {"region": "us-east-1", "pool_id": pool_id, "client_id": app["UserPoolClient"]["ClientId"]}


def confirmed_user(client, pool_id, username, password, email):
    """A user who can sign in with PASSWORD at once."""
    invite_user(client, pool_id, username, "Temporary-Passw0rd!", email)
    client.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=password, Permanent=True)
def create_user(client, pool_id, username, password):
    """A confirmed user with a permanent password: signs in at once."""
    client.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        TemporaryPassword="Temporary-1x",
        MessageAction="SUPPRESS",
    )
    client.admin_set_user_password(
        UserPoolId=pool_id, Username=username, Password=password, Permanent=True
    )
    return {"username": username}


def main(argv):
    endpoint, command, *rest = argv
    client = admin(endpoint)
    if command == "create-pool":
        out = create_pool(client, rest[0] if rest else "optional")
    elif command == "user-mfa":
        out = user_mfa(client, *rest)
    elif command == "invite-user":
        out = invite_user(client, *rest)
    elif command == "hosted-pool":
        out = hosted_pool(client, *rest)
    elif command == "confirmed-user":
        out = confirmed_user(client, *rest)
    elif command == "create-user":
        out = create_user(client, *rest)
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
