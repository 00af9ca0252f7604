"""The contract's Python smoke test, over the client openapi-python-client generates from the
OpenAPI document (package `ebo_client`, in target/clients/python). It logs in, lists the user's
runs and reads a feature, each answer parsed into the generated models, against the running service.

Run by scripts/contract-clients.sh, with PYTHONPATH=target/clients/python and the venv's Python
(target/clients-venv: openapi-python-client brings the client's runtime, httpx and attrs).
Environment (all required):
  SMOKE_BASE_URL      the service, e.g. http://127.0.0.1:8000 (the API is under /api/v1)
  SMOKE_USERNAME, SMOKE_PASSWORD   a registered user
  SMOKE_RUN_ID        a run of that user's, which the list must contain
  SMOKE_FEATURE_ID, SMOKE_FEATURE_NAME   a feature and the name it must have
"""

import os
import sys

import httpx
from ebo_client import AuthenticatedClient, Client
from ebo_client.api.auth import login
from ebo_client.api.features import get_feature
from ebo_client.api.runs import list_runs
from ebo_client.models import Feature, LoginJson, RunPage, TokenResponse


def env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        sys.exit(f"{name} is not set")
    return value


def check(ok: bool, message: str) -> None:
    if not ok:
        raise AssertionError(f"check failed: {message}")


def main() -> None:
    base = env("SMOKE_BASE_URL").rstrip("/") + "/api/v1"
    timeout = httpx.Timeout(10.0)

    # 1. Log in (JSON body).
    anonymous = Client(base_url=base, timeout=timeout, raise_on_unexpected_status=True)
    with anonymous:
        answer = login.sync_detailed(
            client=anonymous,
            body=LoginJson(username=env("SMOKE_USERNAME"), password=env("SMOKE_PASSWORD")),
        )
    check(isinstance(answer.parsed, TokenResponse), f"login: {answer.status_code} {answer.content!r}")
    assert isinstance(answer.parsed, TokenResponse)
    tokens = answer.parsed
    check(tokens.token_type.lower() == "bearer", f"token_type is {tokens.token_type}")
    print(f"login: {answer.status_code.value}, token expires in {tokens.expires_in} s")

    client = AuthenticatedClient(
        base_url=base, token=tokens.access_token, timeout=timeout, raise_on_unexpected_status=True
    )
    with client:
        # 2. List runs: the seeded run is among them.
        listed = list_runs.sync_detailed(client=client, limit=100, offset=0)
        check(isinstance(listed.parsed, RunPage), f"list runs: {listed.status_code} {listed.content!r}")
        assert isinstance(listed.parsed, RunPage)
        page = listed.parsed
        wanted = env("SMOKE_RUN_ID")
        runs = [r for r in page.runs if str(r.run_id) == wanted]
        check(bool(runs), f"run {wanted} not in the {len(page.runs)} listed (total {page.total})")
        run = runs[0]
        print(
            f"list runs: {listed.status_code.value}, {page.total} run(s); {run.run_id}: "
            f"{run.character_name}, {run.content_name}, {run.dps} DPS"
        )

        # 3. Read a feature by id.
        feature_id = env("SMOKE_FEATURE_ID")
        got = get_feature.sync_detailed(feature_id, client=client)
        check(isinstance(got.parsed, Feature), f"get feature: {got.status_code} {got.content!r}")
        assert isinstance(got.parsed, Feature)
        feature = got.parsed
        check(feature.feature_id == feature_id, f"feature_id is {feature.feature_id}")
        check(feature.name == env("SMOKE_FEATURE_NAME"), f"feature name is {feature.name}")
        print(f"get feature: {got.status_code.value}, {feature.feature_id} is {feature.name!r} ({feature.category})")

    print("python smoke: 3 calls OK")


if __name__ == "__main__":
    main()
