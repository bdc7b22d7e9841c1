"""Schemathesis hooks for Cadence's API: what a valid opaque cursor looks like (none, i.e. the
first page), and a fresh Idempotency-Key per generated request (a key reused for a different body
is rightly refused, which is not what a generated "valid" request means)."""
import uuid

import schemathesis
from hypothesis import strategies as st

schemathesis.openapi.format("cadence-cursor", st.just(""))


@schemathesis.hook
def before_call(context, case, kwargs):
    if case.headers is not None and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = str(uuid.uuid4())
