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
      - How to reach and authenticate to HashiCorp Vault or OpenBao.
      - Set it once for many tasks with C(module_defaults). Ansible does not merge dictionaries
        there; a task's own O(vault) replaces the default O(vault) whole, so repeat every
        suboption the task needs.
      - Suboptions left out fall back to the environment variables named below, read on the host
        that runs the module.
    type: dict
    suboptions:
      url:
        description:
          - URL of the Vault or OpenBao server, for example V(https://vault.example.com:8200).
          - If not set, the value of the environment variable E(VAULT_ADDR) is used, else E(BAO_ADDR).
          - Required in the end; there is no default server.
        type: str
      token:
        description:
          - Token to authenticate with when O(vault.auth_method=token).
          - If not set, the value of the environment variable E(VAULT_TOKEN) is used, else E(BAO_TOKEN).
          - The token file C(~/.vault-token) is never read.
          - The value is never logged or returned.
        type: str
      auth_method:
        description:
          - How to authenticate.
          - V(token) uses O(vault.token) as is, without a login request.
        type: str
        choices: [token]
        default: token
      namespace:
        description:
          - Vault Enterprise or HCP Vault namespace to send requests to. Leave unset for OpenBao and
            Vault Community Edition.
          - If not set, the value of the environment variable E(VAULT_NAMESPACE) is used.
        type: str
      validate_certs:
        description:
          - Whether to check the server's TLS certificate.
          - If not set, it is V(false) when the environment variable E(VAULT_SKIP_VERIFY) is true,
            else V(true).
          - Set it to V(false) only for throw-away test servers; prefer O(vault.ca_cert).
        type: bool
      ca_cert:
        description:
          - Path to a PEM file (or a directory of certificates) with the CA that signed the server's
            certificate. Used only when certificates are validated.
          - If not set, the value of the environment variable E(VAULT_CACERT) is used; if that is
            unset too, the system's trust store applies.
        type: path
        aliases: [cacert]
      timeout:
        description:
          - Seconds to wait for the server to connect and to answer each request.
        type: int
        default: 30
'''
