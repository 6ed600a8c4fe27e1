"""The cases page's start dialog names, for each case it offers, the project whose deployment a
start uses: when two projects deploy the same case id, the newest deployment's."""

from __future__ import annotations

import re

from studio.host.cases import Actor
from tests.conftest import shared_path
from tests.web.conftest import PASSWORD
from tests.web.test_users_api import log_in

SAMPLE = shared_path("acceptance/mixed")


def test_a_case_two_projects_deploy_is_named_with_the_one_a_start_uses(app) -> None:
    runtime = app.extensions["studio"]
    files = {p.name: p.read_bytes() for p in sorted(SAMPLE.iterdir()) if p.is_file()}
    # the project deployed first is deployed again last (a new version): its deployment is newest
    for n, key in enumerate(("ledger-old", "ledger-new", "ledger-old")):
        cmmn = files["invoice_case.cmmn"].replace(b"</definitions>", f"<!-- {n} -->\n".encode()
                                                  + b"</definitions>", 1)  # fmt: skip
        runtime.deployments.deploy_files({**files, "invoice_case.cmmn": cmmn}, key=key, actor="t")
    client = app.test_client()
    log_in(client, "carl", PASSWORD)
    page = client.get("/cases").get_data(as_text=True)
    dialog = page[page.index('id="start-definition"') :]
    (shown,) = re.findall(r'<option value="InvoiceCase">([^<]*)</option>', dialog)
    started = runtime.host.start("InvoiceCase", {}, Actor("carl", frozenset()))
    used = runtime.deployments.get(runtime.host.view(started)["deployment"]).key
    assert used == "ledger-old"
    assert shown.endswith(f"({used})"), shown
