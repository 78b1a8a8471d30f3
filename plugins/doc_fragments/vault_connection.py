# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment:
    # Mirrors VAULT_CONNECTION_ARGSPEC in plugins/module_utils/_vault_connection.py.
    DOCUMENTATION = r'''
options:
  vault:
    description:
      - How to reach and authenticate to HashiCorp Vault or OpenBao. Option names follow
        community.hashi_vault.
      - Set it once for many tasks with C(module_defaults). Ansible does not merge dictionaries
        there; a task's own O(vault) replaces the default O(vault) whole, so repeat every
        suboption the task needs.
      - Where a value comes from, first found wins - the suboption given in the task (or in
        C(module_defaults)), then the environment variables listed with it, in the order listed
        (community.hashi_vault's E(ANSIBLE_HASHI_VAULT_*) names, then the Vault CLI's E(VAULT_*),
        then OpenBao's E(BAO_*)), then the default. Environment variables are read on the host
        that runs the module. With O(vault.auth_method=token) and no token from either, the token
        file is read last (see O(vault.token)).
      - Every secret (token, role and secret IDs, password, JWT, the token file and private key
        contents, the token a login returns) is kept out of logs, results and messages.
      - A token obtained by a login (every method but V(token) and V(none)) is revoked when the
        task ends, unless O(vault.revoke_login_token=false).
    type: dict
    suboptions:
      url:
        description:
          - URL of the Vault or OpenBao server, for example V(https://vault.example.com:8200).
          - 'Environment: E(ANSIBLE_HASHI_VAULT_ADDR), E(VAULT_ADDR), E(BAO_ADDR).'
          - Required in the end; there is no default server.
        type: str
      auth_method:
        description:
          - How to obtain a token.
          - V(token) uses O(vault.token) as is, without a login request.
          - V(approle) logs in with O(vault.role_id) and O(vault.secret_id), as AWX/AAP credential
            types inject them.
          - V(jwt) logs in with O(vault.role) and O(vault.jwt), for example a CI job's OIDC token.
          - V(kubernetes) logs in with O(vault.role) and the pod's service-account token
            (O(vault.kubernetes_token_path), or O(vault.jwt) when given).
          - V(userpass) and V(ldap) log in with O(vault.username) and O(vault.password).
          - V(cert) logs in with the TLS client certificate O(vault.cert_auth_public_key) and its
            key O(vault.cert_auth_private_key), over an C(https) O(vault.url); O(vault.role) names a
            certificate role (optional).
          - V(none) sends no token at all, for a Vault Agent or proxy that adds its own.
          - 'Environment: E(ANSIBLE_HASHI_VAULT_AUTH_METHOD).'
        type: str
        choices: [approle, cert, jwt, kubernetes, ldap, none, token, userpass]
        default: token
      mount_point:
        description:
          - Path the auth method is enabled at, without C(auth/), for example V(team-a/approle).
          - Defaults to the method's name (V(approle), V(jwt), V(kubernetes), V(userpass),
            V(ldap), V(cert)). Not used by V(token) and V(none).
          - 'Environment: E(ANSIBLE_HASHI_VAULT_MOUNT_POINT).'
        type: str
      token:
        description:
          - Token to use when O(vault.auth_method=token).
          - 'Environment: E(ANSIBLE_HASHI_VAULT_TOKEN), E(VAULT_TOKEN), E(BAO_TOKEN).'
          - If none of these is set, the token file that C(bao login) or C(vault login) wrote for
            the user running the module is read - the file named by E(VAULT_TOKEN_PATH) or
            E(BAO_TOKEN_PATH) if set, else C(~/.vault-token) (OpenBao's default token helper
            uses that same name).
          - A given token is never revoked.
        type: str
      role_id:
        description:
          - Role ID for O(vault.auth_method=approle).
          - 'Environment: E(ANSIBLE_HASHI_VAULT_ROLE_ID).'
          - Treated as a secret.
        type: str
      secret_id:
        description:
          - Secret ID for O(vault.auth_method=approle).
          - 'Environment: E(ANSIBLE_HASHI_VAULT_SECRET_ID).'
        type: str
      role:
        description:
          - Name of the role to log in as. Required for O(vault.auth_method=jwt) and
            O(vault.auth_method=kubernetes); for O(vault.auth_method=cert), the certificate role
            to match (if not set, Vault tries every role of the mount).
          - community.hashi_vault calls this C(role_id) for JWT; here O(vault.role_id) is for
            AppRole only.
        type: str
      jwt:
        description:
          - The JSON Web Token for O(vault.auth_method=jwt), such as a CI job's OIDC ID token.
          - With O(vault.auth_method=kubernetes), a service-account token to use instead of the
            file O(vault.kubernetes_token_path).
          - 'Environment: E(ANSIBLE_HASHI_VAULT_JWT).'
        type: str
      kubernetes_token_path:
        description:
          - File holding the service-account token for O(vault.auth_method=kubernetes), read on
            the host that runs the module when O(vault.jwt) is not set.
        type: path
        default: /var/run/secrets/kubernetes.io/serviceaccount/token
      username:
        description:
          - User name for O(vault.auth_method=userpass) and O(vault.auth_method=ldap).
          - 'Environment: E(ANSIBLE_HASHI_VAULT_USERNAME).'
        type: str
      password:
        description:
          - Password for O(vault.auth_method=userpass) and O(vault.auth_method=ldap), used as
            given (spaces are kept).
          - 'Environment: E(ANSIBLE_HASHI_VAULT_PASSWORD).'
        type: str
      cert_auth_public_key:
        description:
          - Path to the client certificate (PEM) for O(vault.auth_method=cert).
          - 'Environment: E(ANSIBLE_HASHI_VAULT_CERT_AUTH_PUBLIC_KEY), E(VAULT_CLIENT_CERT),
            E(BAO_CLIENT_CERT).'
        type: path
      cert_auth_private_key:
        description:
          - Path to the certificate's private key (PEM, not encrypted) for
            O(vault.auth_method=cert).
          - 'Environment: E(ANSIBLE_HASHI_VAULT_CERT_AUTH_PRIVATE_KEY), E(VAULT_CLIENT_KEY),
            E(BAO_CLIENT_KEY).'
        type: path
      revoke_login_token:
        description:
          - Whether to revoke (C(auth/token/revoke-self)) the token a login obtained when the task
            ends, so that many tasks leave no live tokens behind.
          - A failed revocation is a warning, never a failure; the token then lives until its TTL
            ends.
          - Tokens given with O(vault.auth_method=token) (or the token file) and
            O(vault.auth_method=none) are never revoked.
        type: bool
        default: true
      namespace:
        description:
          - Vault Enterprise or HCP Vault namespace for every request, logins included. Leave unset
            for OpenBao and Vault Community Edition.
          - ASCII letters, digits and C(- _ . /) only; it is sent as an HTTP header.
          - 'Environment: E(ANSIBLE_HASHI_VAULT_NAMESPACE), E(VAULT_NAMESPACE), E(BAO_NAMESPACE).'
        type: str
      validate_certs:
        description:
          - Whether to check the server's TLS certificate.
          - If not set, it is V(false) when E(VAULT_SKIP_VERIFY) (else E(BAO_SKIP_VERIFY)) is true,
            else V(true).
          - Set it to V(false) only for throw-away test servers; prefer O(vault.ca_cert).
        type: bool
      ca_cert:
        description:
          - Path to a PEM file (or a directory of certificates) with the CA that signed the server's
            certificate. Used only when certificates are validated.
          - 'Environment: E(ANSIBLE_HASHI_VAULT_CA_CERT), E(VAULT_CACERT), E(BAO_CACERT); if none
            is set, the system''s trust store applies.'
        type: path
        aliases: [cacert]
      proxies:
        description:
          - HTTP proxy for the requests to Vault - one URL such as V(http://proxy.example.com:3128)
            for both schemes, or a dictionary of scheme (V(http), V(https), V(all)) to proxy URL.
          - A proxy URL must not hold user information (C(user:password@)).
          - 'Environment: E(ANSIBLE_HASHI_VAULT_PROXIES) (a URL or a JSON object). If not set, the
            usual E(HTTPS_PROXY), E(HTTP_PROXY) and E(NO_PROXY) apply.'
        type: raw
      timeout:
        description:
          - Seconds to wait for the server to connect and to answer each request, from 1 to 3600.
          - 'Environment: E(ANSIBLE_HASHI_VAULT_TIMEOUT).'
        type: int
        default: 30
      retries:
        description:
          - How many times to retry a request, with backoff, after a connection error, a 429, a 5xx,
            or a standby or sealed answer. Each retry is a warning. V(0) turns retries off.
          - A 412 check-and-set conflict is never retried.
          - 'Environment: E(ANSIBLE_HASHI_VAULT_RETRIES), E(VAULT_MAX_RETRIES), E(BAO_MAX_RETRIES).'
        type: int
        default: 2
'''
