"""A test-only URLconf: the probe router under /api/v1/ in a NinjaAPI of its own.

The real API mounts the probe only when `HEYI_BENCH_PROBE` is on at import time, which a test
cannot switch; this API has the same authentication and error handlers, and its path starts with
/api/ so that the Idempotency-Key middleware applies as it does in the benchmark.
"""

from django.urls import path
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from heyi.api import on_authentication_error, on_domain_error, on_validation_error
from heyi.api_auth import REQUIRED_AUTH
from heyi.core.errors import DomainError
from heyi.probe.api import router

probe_api = NinjaAPI(title="probe (tests)", urls_namespace="probe-tests", auth=REQUIRED_AUTH)
probe_api.exception_handler(DomainError)(on_domain_error)
probe_api.exception_handler(ValidationError)(on_validation_error)
probe_api.exception_handler(AuthenticationError)(on_authentication_error)
probe_api.add_router("/", router)

urlpatterns = [path("api/v1/", probe_api.urls)]
