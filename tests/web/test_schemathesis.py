"""Schemathesis against the OpenAPI document, over a real server on loopback: generated requests
for every operation get answers the document allows — never a server error, only the declared
status codes, bodies that match their schemas."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.web.conftest import admin, mixed_zip

CLI = Path(sys.executable).with_name("schemathesis")


@pytest.mark.slow
@pytest.mark.skipif(not CLI.exists() and not shutil.which("schemathesis"),
                    reason="schemathesis is not installed (make test installs it)")  # fmt: skip
def test_the_api_answers_as_its_document_says(app, tmp_path) -> None:
    client = app.test_client()
    headers = admin(client)
    client.post("/api/v1/deployments", headers=headers,
                data={"file": (io.BytesIO(mixed_zip()), "invoices.zip")})  # fmt: skip
    for key in ("invoices", "invoices-copy"):  # projects 1 and 2, for the project routes
        made = client.post(f"/api/v1/projects/import?key={key}", headers=headers,
                           data={"file": (io.BytesIO(mixed_zip()), "invoices.zip")})  # fmt: skip
        assert made.status_code == 201, made.get_json()
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_port}"
    try:
        done = subprocess.run(
            [
                str(CLI if CLI.exists() else shutil.which("schemathesis")), "run",
                f"{base}/api/v1/openapi.json", "--url", f"{base}/api/v1",
                "--header", f"Authorization:{headers['Authorization']}",
                "--checks", "not_a_server_error,status_code_conformance,"
                "content_type_conformance,response_schema_conformance",
                "--max-examples", "20", "--seed", "1", "--no-color",
            ],
            capture_output=True, text=True, timeout=600, cwd=tmp_path,
        )  # fmt: skip
    finally:
        httpd.shutdown()
        thread.join(5)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
