"""A member allows sharing in Chromium; a clinician of their team sees it and sends the care summary."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.e2e.browser import sign_in
from tests.integration.clinic import build_clinic

pytestmark = pytest.mark.browser


class _Provider(BaseHTTPRequestHandler):
    """A provider's FHIR endpoint on loopback: accepts a transaction Bundle and keeps it."""

    received: list = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        self.received.append((self.path, self.headers.get("Content-Type"),
                              json.loads(self.rfile.read(int(self.headers["Content-Length"])))))
        body = json.dumps({"resourceType": "Bundle", "type": "transaction-response", "entry": []}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/fhir+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def provider():
    handler = type("Provider", (_Provider,), {"received": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/fhir", handler.received
    server.shutdown()
    server.server_close()


def test_member_grants_consent_and_clinician_sends_the_summary(db, services, live_server, page, provider):
    endpoint, received = provider
    clinic = build_clinic(db)
    ann = clinic.member_ids["ann"]
    sign_in(page, live_server, clinic.emails["ann"])
    page.click("nav >> text=Sharing with my providers")
    page.fill("#provider", "Riverside Orthopedics")
    page.fill("#endpoint", endpoint)
    with page.expect_navigation():
        page.click("[data-testid=grant-consent] button[type=submit]")
    assert "Riverside Orthopedics" in page.locator("[data-testid=consent-list]").inner_text()

    sign_in(page, live_server, clinic.emails["pt_a"])
    page.goto(f"{live_server}/console/members/{ann}/sharing")
    consents = page.locator("[data-testid=chart-consents]").inner_text()
    assert "Riverside Orthopedics" in consents and endpoint in consents
    with page.expect_navigation():
        page.click("text=Send care summary")
    services.queue.join()
    page.reload()
    log = page.locator("[data-testid=exchange-log]").inner_text()
    assert "push" in log and "success" in log and endpoint in log
    assert len(received) == 1
    path, content_type, bundle = received[0]
    assert path == "/fhir" and content_type == "application/fhir+json" and bundle["type"] == "transaction"
    patient = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    assert patient["name"][0]["family"] == "Quixotic"

    sign_in(page, live_server, clinic.emails["pt_b"])
    response = page.goto(f"{live_server}/console/members/{ann}/sharing")
    assert response.status == 403 and page.locator("[data-testid=chart-consents]").count() == 0
