"""Administers the Cognito emulator for the end-to-end tests, the way a pool's owner would:
creates a user pool and app client, and reads a user's MFA settings. Runs with the
emulator's own virtualenv (it ships botocore). Prints one JSON object.

    cognito_admin.py ENDPOINT create-pool [off|optional|required]
    cognito_admin.py ENDPOINT user-mfa POOL_ID USERNAME
    cognito_admin.py ENDPOINT invite-user POOL_ID USERNAME TEMPORARY_PASSWORD EMAIL
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
    elif command == "create-user":
        out = create_user(client, *rest)
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
