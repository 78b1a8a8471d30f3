# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""RFC 3339 times as Vault (nanoseconds, offsets) and NetSuite (milliseconds, Z) write them.

One parser for both: datetime.fromisoformat accepts neither 'Z' nor nine fraction digits before
Python 3.11. Standard library only.
"""

import re
from datetime import datetime, timedelta, timezone

_SHAPE = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?([Zz]|[+-]\d\d:\d\d)?\Z")


def parse_time(text):
    """An aware UTC datetime, or None for anything that is not such a time. A time without a
    zone is taken as UTC."""
    if not isinstance(text, str):
        return None
    match = _SHAPE.match(text.strip())
    if not match:
        return None
    base, fraction, zone = match.groups()
    try:
        stamp = datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
        if fraction:
            stamp = stamp.replace(microsecond=int(fraction[:6].ljust(6, "0")))
        if zone is None or zone in "Zz":
            return stamp
        offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
        return stamp - offset if zone[0] == "+" else stamp + offset
    except (ValueError, OverflowError):
        return None
