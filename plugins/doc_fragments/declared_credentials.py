# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment(object):
    # The account ID and the four TBA values, as declared by the user.
    DOCUMENTATION = r"""
options:
  account_id:
    description:
      - The NetSuite account ID, as shown at Setup > Company > Company Information.
      - Accepts what people paste, for example C(1234567), C(1234567_SB1), C(1234567-sb1),
        C(tstdrv1234567), C(1234567_RP), or a NetSuite URL or host such as
        C(https://1234567-sb1.app.netsuite.com/app/center/card.nl).
      - Normalized to the realm form (C(1234567_SB1), upper case with an underscore) and the host label
        (C(1234567-sb1)). A URL or host must end in C(.netsuite.com).
      - Required, with the four secrets, to store credentials (M(netsuite_ops.credentials.tba_credential)
        with C(state=present)) and to test declared values (M(netsuite_ops.credentials.credential_check)
        without C(path)).
    type: str
  consumer_key:
    description:
      - The consumer key of the NetSuite integration record (shown once, when the record is saved).
      - Like every secret option, its value is masked wherever it appears in the task's output;
        a very short value (a placeholder such as C(x)) therefore garbles messages. Real keys do not.
      - Leading and trailing whitespace and invisible characters are removed with a warning;
        inner whitespace, quotes and control characters are refused.
      - Must be 64 hexadecimal characters unless O(strict_format=false). Upper or lower case is
        kept as given.
    type: str
  consumer_secret:
    description:
      - The consumer secret of the integration record. Same rules as O(consumer_key).
    type: str
  token_id:
    description:
      - The token ID of the NetSuite access token (shown once). Treated as a secret. Same rules
        as O(consumer_key).
    type: str
  token_secret:
    description:
      - The token secret of the access token. Same rules as O(consumer_key).
    type: str
  environment:
    description:
      - The environment the account ID must belong to. When given and the account ID says
        otherwise (for example a C(_SB1) suffix with V(production)), the task fails.
    type: str
    choices: [production, sandbox, release_preview, test_drive]
  strict_format:
    description:
      - When V(true) the four secrets must be 64 hexadecimal characters, the shape NetSuite
        issues. When V(false) other shapes only raise a warning.
      - A value that appears in two fields is always refused, because it was pasted into the wrong box.
    type: bool
    default: true
"""
