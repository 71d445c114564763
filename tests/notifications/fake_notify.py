"""A stand-in for GOV.UK Notify's API on loopback: it checks our token and keeps what it got."""

from __future__ import annotations

import json
import uuid
from http.server import BaseHTTPRequestHandler
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import jwt

SERVICE_ID = str(uuid.uuid4())
SECRET = str(uuid.uuid4())
API_KEY = f"tracker_test-{SERVICE_ID}-{SECRET}"


class FakeNotify(BaseHTTPRequestHandler):
    requests: ClassVar[list] = []
    status = 201
    # (id, reference) of the notifications Notify already has.
    accepted: ClassVar[list] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        token = self.headers["Authorization"].removeprefix("Bearer ")
        claims = jwt.decode(token, SECRET, algorithms=["HS256"])
        type(self).requests.append({"path": self.path, "body": body, "iss": claims["iss"]})
        self.send_response(type(self).status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        if type(self).status == 201:
            self.wfile.write(
                json.dumps({"id": "notify-123", "reference": body["reference"]}).encode()
            )
        else:
            self.wfile.write(b'{"errors": [{"error": "BadRequestError", "message": "Bad"}]}')

    def do_GET(self):
        query = parse_qs(urlsplit(self.path).query)
        type(self).requests.append({"path": self.path, "query": query})
        found = [
            {"id": notification_id, "reference": reference}
            for notification_id, reference in type(self).accepted
            if [reference] == query.get("reference")
        ]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"notifications": found, "links": {}}).encode())

    def log_message(self, *args):
        pass
