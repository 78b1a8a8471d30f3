# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""Secrets too short to be hidden inside text without changing the result's shape.

Ansible masks a no_log value wherever it occurs: a 6-character password ``change`` turned the
result key ``changed`` into ``********d`` (a task that wrote version 1 reported ok), and a
one-character role_id turned the fleet row key ``host`` into ``ho********t`` (the check died
with KeyError). A secret shorter than SHORT_SECRET_CHARS is therefore kept out of the
substring masking (Ansible's and the Scrubber's) and masked only where it is a whole value;
keys are never touched, and the task warns that such a secret is a risk, naming the option,
never the value.

Standard library only.
"""

from collections.abc import Mapping

# As _secret_scrub.MIN_FRAGMENT: the shortest run the scrub looks for inside text.
SHORT_SECRET_CHARS = 8
# What Ansible itself shows for a whole no_log value.
WHOLE_VALUE_MASK = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def is_short_secret(value):
    return isinstance(value, str) and 0 < len(value) < SHORT_SECRET_CHARS


def short_secret_warning(name):
    """Why a short secret is a risk, for the option ``name``; never the value."""
    return ("%s is shorter than %d characters: such a value cannot be hidden reliably in output (it "
            "occurs inside ordinary words, so it is masked only where it is a whole value); use a "
            "longer secret" % (name, SHORT_SECRET_CHARS))


def short_secret_options(spec, params, prefix=""):
    """(option name, value) of every no_log option of ``spec`` (suboptions too) whose value in
    ``params`` is a short secret."""
    found = []
    if not isinstance(params, Mapping):
        return found
    for name, option in spec.items():
        value = params.get(name)
        if option.get("no_log") and is_short_secret(value):
            found.append((prefix + name, value))
        if option.get("options") and isinstance(value, Mapping):
            found += short_secret_options(option["options"], value, prefix + name + ".")
    return found


def mask_whole(value, short):
    """``value`` with every string equal to one of ``short`` replaced by WHOLE_VALUE_MASK, in
    dicts (values only, never keys), lists and tuples; other values as they are."""
    if not short:
        return value
    if isinstance(value, str):
        return WHOLE_VALUE_MASK if value in short else value
    if isinstance(value, Mapping):
        return {key: mask_whole(item, short) for key, item in value.items()}
    if isinstance(value, list):
        return [mask_whole(item, short) for item in value]
    if isinstance(value, tuple):
        return tuple(mask_whole(item, short) for item in value)
    return value


def set_aside(no_log_values, spec, params):
    """Take the short secrets out of ``no_log_values`` (a set, changed in place).

    Returns (short values, warnings): one warning per option that holds one, and one for short
    secrets the task met elsewhere (read from Vault, a file, a login)."""
    short = {value for value in no_log_values if is_short_secret(value)}
    if not short:
        return short, []
    no_log_values.difference_update(short)
    named = short_secret_options(spec or {}, params)
    warnings = [short_secret_warning(name) for name in sorted({name for name, _value in named})]
    # A trimmed copy of a named value is registered too: it is the same secret.
    if any(not any(value in given for _name, given in named) for value in short):
        warnings.append(short_secret_warning("a secret the task read (from Vault, a file or a login)"))
    return short, warnings
