# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment(object):
    # The account ID and the OAuth 2.0 client credentials (M2M) values, as declared by the user.
    DOCUMENTATION = r"""
options:
  account_id:
    description:
      - The NetSuite account ID, in any form people paste (C(1234567), C(1234567_SB1), C(1234567-sb1),
        or a NetSuite URL or host ending in C(.netsuite.com)). Stored in the realm form (C(1234567_SB1)).
    type: str
  client_id:
    description:
      - The Client ID of the integration record (Setup > Integration > Manage Integrations), shown once
        when the record is saved. 64 hexadecimal characters. Treated as a secret.
      - The client secret shown next to it is not used by the client credentials grant; do not store it.
    type: str
  certificate_id:
    description:
      - The Certificate ID NetSuite shows for the certificate mapping in Setup > Integration > Manage
        Authentication > OAuth 2.0 Client Credentials (M2M) Setup. Sent as the C(kid) of every client
        assertion. Not secret.
    type: str
  private_key:
    description:
      - The private key (PEM) that signs the client assertions, PKCS#8 or PKCS#1/SEC1, unencrypted or
        encrypted (then give O(private_key_passphrase)).
      - RSA of at least 3072 bits, or EC on P-256, P-384 or P-521, as NetSuite requires.
      - Stored unencrypted in Vault, in PKCS#8 form; a key that differs only in its encoding (PKCS#1 or
        PKCS#8, line endings) counts as unchanged.
      - Prefer M(netsuite_ops.credentials.m2m_key_pair), which generates the key in memory and keeps
        it only in Vault, with O(use_pending_key=true).
    type: str
  private_key_passphrase:
    description:
      - The passphrase of an encrypted O(private_key). Used only to open the key; never stored.
    type: str
  certificate:
    description:
      - The public certificate (PEM) uploaded to NetSuite for this key. Must belong to O(private_key)
        and be valid now. Results show only its fingerprint, subject and validity.
    type: str
  algorithm:
    description:
      - The JWS algorithm of the client assertion. By default chosen from the key, V(PS256) for RSA
        and V(ES256), V(ES384) or V(ES512) by curve.
      - NetSuite refuses RS256 and the other PKCS#1 v1.5 algorithms, so they are not offered.
    type: str
    choices: [PS256, PS384, PS512, ES256, ES384, ES512]
  scope:
    description:
      - The scopes asked for in the client assertion; the integration record must allow them.
    type: list
    elements: str
    choices: [rest_webservices, restlets]
    default: [rest_webservices]
  min_days_left:
    description:
      - Warn when the certificate expires in fewer days than this.
    type: int
    default: 30
  fail_days_left:
    description:
      - Fail, before anything is sent or written, when the certificate expires in fewer days than this.
        An expired or not yet valid certificate always fails.
    type: int
    default: 0
  environment:
    description:
      - The environment the account ID must belong to (for example V(sandbox) for C(_SB1) accounts).
    type: str
    choices: [production, sandbox, release_preview, test_drive]
"""
