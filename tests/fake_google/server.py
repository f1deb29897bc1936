#!/usr/bin/env python3
"""fake_google: a local stand-in for Google's OAuth 2.0, Calendar v3 and Meet v2 endpoints.

It follows the wire formats in ../shared/reference/google-apis.md: paths, query parameters, the
legacy Calendar error envelope (errors[] + status + details), Meet's google.rpc.Status errors, OAuth's
flat errors, `pending` conferences, 409 `duplicate` on a reused client id, 204 then 410 on delete, and
CORS like Google's APIs (preflight answered, Origin echoed). When in doubt, the reference wins.

Test control lives under /_fake/ (never a Google path):
  POST /_fake/reset                 forget everything (events, faults, log, config, tokens)
  POST /_fake/config   {...}        latency_ms, entry_points (3 = video, more, phone | 1 = video only |
                                    0 = hangoutLink only | a list of those: one per conference, in turn),
                                    pending_polls, conference ("success" | "failure"), auth {...}
                                    (auth: error, prompt_none_error, granted_scopes, email, expires_in,
                                    tamper_state, unknown_client, token: the access token to mint)
  POST /_fake/faults/clear          forget the queued faults (Google is well again; events stay)
  POST /_fake/faults   [{...}]      queue faults: {match, kind, times, ...} (State.take_fault; kinds:
                                    error (status, reason, retry_after), drop, malformed, html, slow (ms),
                                    redirect (status, location), huge (mb, chunked), pending, failure, link;
                                    "after": do the work, then spoil the answer)
  POST /_fake/tokens   {...}        register an access token {token, scopes, email, expires_in}
  GET  /_fake/log                   every request received, in order
  GET  /_fake/events                every event, deleted ones included (status "cancelled")
  GET  /_fake/spaces                every Meet space made, by name
  GET  /_fake/schema                what the discovery check found (discovery.py): requests Google would
                                    reject (kind "error", answered with Google's 400/404) or whose fields
                                    it would drop (kind "ignored", answered as Google would); kept across
                                    /_fake/reset, so a test harness sees every request's
  POST /_fake/schema/take           the same, and forgets them
  GET  /_fake/mail                  the invitations Calendar would have e-mailed ({event, to}), as
                                    sendUpdates says: all guests, those outside the organizer's
                                    domain (externalOnly), or none
  config meet_edition: "workspace" (default) or "personal": a personal account's spaces.create refuses
                                    host management and automatic artifacts (403 PERMISSION_DENIED)

Every Calendar and Meet request is first checked against Google's discovery documents (Calendar v3,
Meet v2: ../shared/reference/discovery/, or $MEETLINK_DISCOVERY_DIR), as discovery.py says; the fake
does not start without them.

Run by hand:  python3 tests/fake_google/server.py --port 7357   (or ./build.sh fake)
Standard library only, so nothing is installed to run it.
"""
import argparse
import json
import random
import re
import socket
import string
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import discovery

G = "https://www.googleapis.com/auth/"
CAL_WRITE = {G + s for s in ("calendar", "calendar.events", "calendar.app.created", "calendar.events.owned")}
CAL_READ_EVENT = CAL_WRITE | {G + s for s in (
    "calendar.readonly", "calendar.events.readonly", "calendar.events.freebusy",
    "calendar.events.owned.readonly", "calendar.events.public.readonly")}
CAL_READ_CALENDAR = {G + "calendar", G + "calendar.readonly", G + "calendar.calendars",
                     G + "calendar.calendars.readonly", G + "calendar.app.created"}
MEET_CREATE = {G + "meetings.space.created"}
MEET_READ = MEET_CREATE | {G + "meetings.space.readonly", G + "meetings.space.settings"}

DEFAULT_TOKEN = "ya29.fake-token"
DEFAULT_EMAIL = "me@example.com"
EVENT_ID = re.compile(r"^[a-v0-9]{5,1024}$")
ATTENDEE = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
# Calendar error catalogue (google-apis.md §2.2): status -> reason -> (domain, message, canonical status)
CATALOGUE = {
    400: {"badRequest": ("global", "Bad Request"), "invalid": ("global", "Invalid Value"),
          "required": ("global", "Required"), "timeRangeEmpty": ("calendar", "The specified time range is empty."),
          "parseError": ("global", "Parse Error")},
    401: {"authError": ("global", "Invalid Credentials"), "required": ("global", "Login Required.")},
    403: {"insufficientPermissions": ("global", "Insufficient Permission"),
          "userRateLimitExceeded": ("usageLimits", "User Rate Limit Exceeded"),
          "rateLimitExceeded": ("usageLimits", "Rate Limit Exceeded"),
          "quotaExceeded": ("usageLimits", "Calendar usage limits exceeded."),
          "forbiddenForNonOrganizer": ("calendar", "Shared properties can only be changed by the organizer of the event."),
          "forbidden": ("global", "Forbidden"),
          "requiredAccessLevel": ("global", "You need to have writer access to this calendar."),
          "accessNotConfigured": ("usageLimits", "Google Calendar API has not been used in project 000000000000 before or it is disabled. Enable it by visiting the Google Cloud console, then retry.")},
    404: {"notFound": ("global", "Not Found")},
    409: {"duplicate": ("global", "The requested identifier already exists."), "conflict": ("global", "Conflict")},
    410: {"deleted": ("global", "Resource has been deleted")},
    412: {"conditionNotMet": ("global", "Precondition Failed")},
    429: {"rateLimitExceeded": ("usageLimits", "Rate Limit Exceeded")},
    500: {"backendError": ("global", "Backend Error")},
    503: {"backendError": ("global", "Service unavailable")},
}
CANONICAL = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
             409: "ALREADY_EXISTS", 410: "NOT_FOUND", 412: "FAILED_PRECONDITION", 429: "RESOURCE_EXHAUSTED",
             500: "INTERNAL", 503: "UNAVAILABLE"}
DEFAULT_REASON = {400: "badRequest", 401: "authError", 403: "forbidden", 404: "notFound", 409: "conflict",
                  410: "deleted", 412: "conditionNotMet", 429: "rateLimitExceeded", 500: "backendError",
                  503: "backendError"}


def calendar_error(status, reason=None, message=None):
    reason = reason or DEFAULT_REASON.get(status, "backendError")
    domain, default_message = CATALOGUE.get(status, {}).get(reason, ("global", "Error"))
    message = message or default_message
    top = message
    error = {"errors": [{"domain": domain, "reason": reason, "message": message}],
             "code": status, "message": top, "status": CANONICAL.get(status, "UNKNOWN")}
    if status == 401:
        error["errors"][0].update(locationType="header", location="Authorization")
        if reason == "required":
            error["message"] = "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential."
            error["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "CREDENTIALS_MISSING",
                                 "domain": "googleapis.com"}]
    if reason == "insufficientPermissions":
        error["message"] = "Request had insufficient authentication scopes."
        error["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                             "domain": "googleapis.com",
                             "metadata": {"service": "calendar-json.googleapis.com", "method": "calendar.v3.Events.Insert"}}]
    if reason == "accessNotConfigured":
        error["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED",
                             "domain": "googleapis.com"}]
    return {"error": error}


def rpc_error(status, message):
    """Meet v2 (google.rpc.Status shape, no errors[])."""
    return {"error": {"code": status, "message": message, "status": CANONICAL.get(status, "UNKNOWN")}}


def meeting_code():
    letters = string.ascii_lowercase
    return "-".join("".join(random.choice(letters) for _ in range(n)) for n in (3, 4, 3))


def rfc3339_now():
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % int((t % 1) * 1000)


class State:
    def __init__(self):
        self.lock = threading.RLock()
        self.reset()

    def reset(self):
        with self.lock:
            self.events = {}  # id -> event (including cancelled)
            self.pending = {}  # id -> remaining GETs before success
            self.spaces = {}
            self.mail = []
            self.faults = []
            self.log = []
            self.conferences_made = 0
            self.config = {"latency_ms": 0, "entry_points": 3, "pending_polls": 0, "conference": "success",
                           "auth": {}}
            self.tokens = {DEFAULT_TOKEN: {"scopes": {G + "calendar.events.owned"}, "email": DEFAULT_EMAIL,
                                           "exp": time.time() + 3600, "client_id": "fake-client"}}
            self.revoked = set()
            self.codes = {}
        # Not reset: what the discovery check found stays until a harness takes it (/_fake/schema/take).
        self.schema = getattr(self, "schema", [])

    def take_fault(self, op):
        """The first queued fault whose `match` fits `op` (insert, get, delete, calendar, spaces, auth,
        token, revoke, tokeninfo, any). `times` (default 1, -1 = always) counts down."""
        with self.lock:
            for f in self.faults:
                if f.get("match", "any") in (op, "any"):
                    times = f.get("times", 1)
                    if times != -1:
                        f["times"] = times - 1
                        if f["times"] <= 0:
                            self.faults.remove(f)
                    return dict(f)
        return None


STATE = State()
DISCOVERY = None  # discovery.Discovery, loaded in main()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ESF"
    sys_version = ""

    def log_message(self, *args):  # quiet; the request log is /_fake/log
        pass

    # ---- plumbing ----------------------------------------------------------------------------
    def cors(self):
        origin = self.headers.get("Origin")
        if origin:
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Vary", "Origin")
            self.send_header("Access-Control-Expose-Headers", "Content-Type, Date, Server")

    def reply(self, status, body=None, headers=None, content_type="application/json; charset=UTF-8"):
        data = b""
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body, indent=2).encode()
        self.record["status"] = status  # answered (the client may have gone: the write then fails)
        self.send_response(status)
        self.cors()
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if status != 204:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if status != 204:
            self.wfile.write(data)

    def drop(self):
        self.record["status"] = "dropped"
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def huge(self, f):
        """A 200 whose body is `mb` megabytes of a JSON array of numbers (not an answer Google gives),
        with Content-Length, or chunked (`"chunked": true`) so the size is known only by reading."""
        size = int(f.get("mb", 10) * 1024 * 1024)
        chunk = (b"[" + b"1234567," * 8191 + b"0]")[:65536]
        self.send_response(200)
        self.cors()
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        if f.get("chunked"):
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(size))
        self.end_headers()
        sent = 0
        self.record["status"] = 200
        try:
            while sent < size:
                part = chunk[:size - sent]
                if f.get("chunked"):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                else:
                    self.wfile.write(part)
                sent += len(part)
            if f.get("chunked"):
                self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except OSError:  # the client stopped reading and closed the connection
            self.close_connection = True

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def token(self):
        auth = self.headers.get("Authorization", "")
        return auth[7:] if auth.startswith("Bearer ") else None

    def check_token(self, allowed, error=calendar_error):
        """None when the Bearer token is valid and has one of `allowed` scopes; else the error sent."""
        tok = self.token()
        if tok is None:
            return self.reply(401, calendar_error(401, "required")) or True
        info = STATE.tokens.get(tok)
        if info is None or tok in STATE.revoked or info["exp"] < time.time():
            return self.reply(401, calendar_error(401, "authError")) or True
        if not (info["scopes"] & allowed):
            if error is calendar_error:
                return self.reply(403, calendar_error(403, "insufficientPermissions")) or True
            return self.reply(403, rpc_error(403, "Request had insufficient authentication scopes.")) or True
        return None

    # ---- dispatch ----------------------------------------------------------------------------
    def do_OPTIONS(self):
        self.record = {"t": time.time(), "method": "OPTIONS", "path": self.path}
        self.send_response(200)
        origin = self.headers.get("Origin")
        if origin:
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Vary", "Origin")
            self.send_header("Access-Control-Allow-Methods", "DELETE,GET,HEAD,PATCH,POST,PUT")
            self.send_header("Access-Control-Allow-Headers",
                             self.headers.get("Access-Control-Request-Headers", "authorization,content-type"))
            self.send_header("Access-Control-Max-Age", "3600")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def handle_any(self, method):
        url = urlsplit(self.path)
        self.query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        raw = self.read_body()
        self.raw_body = raw
        try:
            self.json_body = json.loads(raw) if raw else None
        except ValueError:
            self.json_body = ValueError
        path = url.path
        self.record = {"t": time.time(), "method": method, "path": path, "query": self.query,
                       "body": self.json_body if self.json_body is not ValueError else raw.decode("utf-8", "replace"),
                       "token": self.token(), "origin": self.headers.get("Origin")}
        if path.startswith("/_fake/"):
            return self.control(method, path)
        with STATE.lock:
            STATE.log.append(self.record)
        op, route = self.route(method, path)
        latency = STATE.config.get("latency_ms", 0)
        if latency:
            time.sleep(latency / 1000)
        verdict = DISCOVERY.check(method, path, url.query, self.json_body) if DISCOVERY else None
        if verdict is not None:
            if verdict.errors == [] and route is None:
                verdict.add("ignored", "path", "%s is Google's, but the fake does not implement it" % verdict.method_id)
            findings = [dict(f, request="%s %s" % (method, self.path)) for f in verdict.findings()]
            if findings:
                self.record["schema"] = findings
                with STATE.lock:
                    STATE.schema.extend(findings)
            if verdict.errors:
                status, body = verdict.reply
                return self.reply(status, body)
        if route is None:
            return self.reply(404, b"<!DOCTYPE html><html><body>404. That's an error.</body></html>",
                              content_type="text/html; charset=UTF-8")
        fault = STATE.take_fault(op)
        if fault and fault.get("kind") == "slow":
            time.sleep(fault.get("ms", 1000) / 1000)
            fault = None
        self.op_fault = fault if fault and fault.get("kind") in ("pending", "failure", "link") else None
        if fault and self.op_fault is None and not fault.get("after"):
            return self.apply_fault(fault)
        if fault and fault.get("after"):
            # Do the work, then lose or spoil the answer (the request landed; the client cannot know).
            self.wfile_real, self.wfile = self.wfile, _Sink()
            route()
            self.wfile = self.wfile_real
            self._headers_buffer = []
            return self.apply_fault(fault)
        return route()

    def apply_fault(self, f):
        kind = f.get("kind", "error")
        if kind == "drop":
            return self.drop()
        if kind == "redirect":
            # What a captive portal or a rewriting proxy answers in Google's place.
            return self.reply(f.get("status", 302), b"", {"Location": f.get("location", "http://127.0.0.1:1/portal")},
                              content_type="text/html; charset=UTF-8")
        if kind == "huge":
            return self.huge(f)
        if kind == "malformed":
            return self.reply(200, b'{\n  "kind": "calendar#event",\n  "id": "trunc')
        if kind == "html":
            status = f.get("status", 502)
            return self.reply(status, b"<!DOCTYPE html><html lang=en><title>Error %d (Server Error)!!1</title>"
                                      b"<p><b>%d.</b> That's an error.</p></html>" % (status, status),
                              content_type="text/html; charset=UTF-8")
        status = f.get("status", 500)
        headers = {}
        if "retry_after" in f:
            headers["Retry-After"] = str(f["retry_after"])
        body = calendar_error(status, f.get("reason"), f.get("message"))
        if self.record["path"].startswith("/v2/"):
            body = rpc_error(status, f.get("message") or body["error"]["message"])
        return self.reply(status, body, headers)

    def route(self, method, path):
        m = re.fullmatch(r"/calendar/v3/calendars/([^/]+)/events", path)
        if m and method == "POST":
            return "insert", lambda: self.events_insert(m.group(1))
        m = re.fullmatch(r"/calendar/v3/calendars/([^/]+)/events/([^/]+)", path)
        if m and method == "GET":
            return "get", lambda: self.events_get(m.group(1), m.group(2))
        if m and method == "DELETE":
            return "delete", lambda: self.events_delete(m.group(1), m.group(2))
        m = re.fullmatch(r"/calendar/v3/(?:calendars|users/me/calendarList)/([^/]+)", path)
        if m and method == "GET":
            return "calendar", lambda: self.calendars_get(m.group(1), "calendarList" in path)
        if path == "/v2/spaces" and method == "POST":
            return "spaces", self.spaces_create
        m = re.fullmatch(r"/v2/spaces/([^/:]+)", path)
        if m and method == "GET":
            return "spaces", lambda: self.spaces_get(m.group(1))
        if path == "/o/oauth2/v2/auth" and method == "GET":
            return "auth", self.oauth_auth
        if path == "/token" and method == "POST":
            return "token", self.oauth_token
        if path == "/revoke" and method == "POST":
            return "revoke", self.oauth_revoke
        if path == "/tokeninfo" and method in ("GET", "POST"):
            return "tokeninfo", self.oauth_tokeninfo
        return None, None

    # ---- Calendar ----------------------------------------------------------------------------
    def calendar_id_ok(self, cal):
        info = STATE.tokens.get(self.token() or "", {})
        return cal in ("primary", info.get("email"))

    def conference_for(self, event, request, status):
        code = meeting_code()
        uri = "https://meet.google.com/" + code
        cd = {"createRequest": {"requestId": request.get("requestId"),
                                "conferenceSolutionKey": {"type": "hangoutsMeet"},
                                "status": {"statusCode": status}}}
        event["conferenceData"] = cd
        if status != "success":
            return
        link = (self.op_fault or {}).get("uri") or uri
        n = STATE.config.get("entry_points", 3)
        if isinstance(n, list):
            # Some accounts get phone numbers and some do not: one count per conference, in turn.
            n = n[STATE.conferences_made % len(n)] if n else 3
        STATE.conferences_made += 1
        if n:
            eps = [{"entryPointType": "video", "uri": link, "label": link.replace("https://", "")}]
            if n >= 3:
                eps += [{"entryPointType": "more", "uri": "https://tel.meet/%s?pin=1234567890123" % code,
                         "pin": "1234567890123"},
                        {"entryPointType": "phone", "uri": "tel:+1-402-410-2193", "label": "+1 402-410-2193",
                         "pin": "582364017", "regionCode": "US"}]
            cd["entryPoints"] = eps
        cd["conferenceSolution"] = {"key": {"type": "hangoutsMeet"}, "name": "Google Meet",
                                    "iconUri": "https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png"}
        cd["conferenceId"] = code
        cd["signature"] = "AGirE/" + uuid.uuid4().hex[:22]
        event["hangoutLink"] = link

    def events_insert(self, cal):
        if self.check_token(CAL_WRITE):
            return
        if not self.calendar_id_ok(cal):
            return self.reply(404, calendar_error(404, "notFound"))
        body = self.json_body
        if body is ValueError or not isinstance(body, dict):
            return self.reply(400, calendar_error(400, "parseError"))
        # conferenceDataVersion (0 or 1) and sendUpdates (all, externalOnly, none) were checked against
        # the discovery document before this handler ran.
        version = self.query.get("conferenceDataVersion", "0")
        start, end = body.get("start"), body.get("end")
        if not isinstance(start, dict) or not isinstance(end, dict):
            return self.reply(400, calendar_error(400, "required", "Missing end time." if start else "Missing start time."))
        if ("date" in start) != ("date" in end):
            return self.reply(400, calendar_error(400, "badRequest", "Start and end times must either both be date or both be dateTime."))
        s, e = start.get("dateTime") or start.get("date"), end.get("dateTime") or end.get("date")
        if not s or not e:
            return self.reply(400, calendar_error(400, "required", "Missing time."))
        if e <= s and s[-1] == e[-1] == "Z":
            return self.reply(400, calendar_error(400, "timeRangeEmpty"))
        send_updates = self.query.get("sendUpdates")
        attendees = body.get("attendees")
        if attendees is not None:
            if not isinstance(attendees, list) or not all(isinstance(a, dict) for a in attendees):
                return self.reply(400, calendar_error(400, "parseError"))
            for a in attendees:
                address = a.get("email")
                if not address:
                    return self.reply(400, calendar_error(400, "required", "Missing attendee email."))
                if not isinstance(address, str) or not ATTENDEE.match(address):
                    return self.reply(400, calendar_error(400, "invalid", "Invalid attendee email."))
            # Google fills in each guest's response; the organizer is listed among them.
            attendees = [dict(a, responseStatus=a.get("responseStatus", "needsAction")) for a in attendees]
        eid = body.get("id")
        with STATE.lock:
            if eid is not None:
                if not isinstance(eid, str) or not EVENT_ID.match(eid):
                    return self.reply(400, calendar_error(400, "invalid", "Invalid resource id value."))
                if eid in STATE.events:
                    return self.reply(409, calendar_error(409, "duplicate"))
            else:
                eid = uuid.uuid4().hex
            email = STATE.tokens.get(self.token(), {}).get("email", DEFAULT_EMAIL)
            now = rfc3339_now()
            event = {"kind": "calendar#event", "etag": '"%d"' % int(time.time() * 1000000), "id": eid,
                     "status": "confirmed",
                     "htmlLink": "https://www.google.com/calendar/event?eid=" + uuid.uuid4().hex,
                     "created": now, "updated": now, "summary": body.get("summary"),
                     "creator": {"email": email, "self": True}, "organizer": {"email": email, "self": True},
                     "start": start, "end": end, "iCalUID": eid + "@google.com", "sequence": 0,
                     "reminders": body.get("reminders", {"useDefault": True}), "eventType": "default"}
            for k in ("description", "transparency", "visibility", "location"):
                if k in body:
                    event[k] = body[k]
            if attendees:
                event["attendees"] = [{"email": email, "organizer": True, "self": True, "responseStatus": "accepted"}] + \
                    [a for a in attendees if a["email"].lower() != email.lower()]
                # The invitations Calendar sends: none by default ("false"/no mail, §1.1).
                domain = email.rsplit("@", 1)[-1].lower()
                for a in attendees:
                    external = a["email"].rsplit("@", 1)[-1].lower() != domain
                    if send_updates == "all" or (send_updates == "externalOnly" and external):
                        STATE.mail.append({"event": eid, "to": a["email"]})
            if event.get("summary") is None:
                del event["summary"]
            request = (body.get("conferenceData") or {}).get("createRequest")
            if version == "1" and request is not None:
                kind = (request.get("conferenceSolutionKey") or {}).get("type")
                if kind != "hangoutsMeet":
                    return self.reply(400, calendar_error(400, "invalid", "Invalid conference type value."))
                if not request.get("requestId"):
                    return self.reply(400, calendar_error(400, "required", "Missing conference request id."))
                fault = (self.op_fault or {}).get("kind")
                polls = self.op_fault.get("polls", 3) if fault == "pending" else STATE.config.get("pending_polls", 0)
                if fault == "failure" or STATE.config.get("conference") == "failure":
                    self.conference_for(event, request, "failure")
                elif polls:
                    self.conference_for(event, request, "pending")
                    STATE.pending[eid] = (polls, request)
                else:
                    self.conference_for(event, request, "success")
            # conferenceDataVersion=0: conferenceData dropped silently, as Google does.
            STATE.events[eid] = event
        return self.reply(200, event)

    def events_get(self, cal, eid):
        if self.check_token(CAL_READ_EVENT):
            return
        with STATE.lock:
            event = STATE.events.get(eid) if self.calendar_id_ok(cal) else None
            if event is None:
                return self.reply(404, calendar_error(404, "notFound"))
            if eid in STATE.pending:
                left, request = STATE.pending[eid]
                if left == -1:  # pending forever
                    pass
                elif left <= 1:
                    del STATE.pending[eid]
                    self.conference_for(event, request, "success")
                else:
                    STATE.pending[eid] = (left - 1, request)
            return self.reply(200, event)

    def events_delete(self, cal, eid):
        if self.check_token(CAL_WRITE):
            return
        with STATE.lock:
            event = STATE.events.get(eid) if self.calendar_id_ok(cal) else None
            if event is None:
                return self.reply(404, calendar_error(404, "notFound"))
            if event["status"] == "cancelled":
                return self.reply(410, calendar_error(410, "deleted"))
            event["status"] = "cancelled"
            event["updated"] = rfc3339_now()
            STATE.pending.pop(eid, None)
        return self.reply(204)

    def calendars_get(self, cal, listing):
        if self.check_token(CAL_READ_CALENDAR | ({G + "calendar.calendarlist", G + "calendar.calendarlist.readonly"} if listing else set())):
            return
        email = STATE.tokens.get(self.token(), {}).get("email", DEFAULT_EMAIL)
        if not self.calendar_id_ok(cal):
            return self.reply(404, calendar_error(404, "notFound"))
        body = {"kind": "calendar#calendarListEntry" if listing else "calendar#calendar",
                "etag": '"1"', "id": email, "summary": email, "timeZone": "UTC",
                "conferenceProperties": {"allowedConferenceSolutionTypes": ["hangoutsMeet"]}}
        if listing:
            body.update(accessRole="owner", primary=True)
        return self.reply(200, body)

    # ---- Meet --------------------------------------------------------------------------------
    def spaces_create(self):
        if self.check_token(MEET_CREATE, error=rpc_error):
            return
        # The body was checked against the Space schema (discovery.py): unknown names, bad enums.
        body = self.json_body if isinstance(self.json_body, dict) else {}
        asked = body.get("config") or {}
        # What needs an edition that has it [U: the exact refusal for personal accounts is not
        # documented; PERMISSION_DENIED is what Meet answers a feature the caller may not use].
        artifacts = asked.get("artifactConfig", {})
        wants_more = asked.get("moderation") == "ON" or "ON" in (v for c in artifacts.values() for v in c.values())
        if wants_more and STATE.config.get("meet_edition") == "personal":
            return self.reply(403, rpc_error(403, "The caller does not have permission"))
        config = {"accessType": asked.get("accessType") or "TRUSTED", "entryPointAccess": asked.get("entryPointAccess") or "ALL",
                  "moderation": asked.get("moderation") or "OFF"}
        if config["moderation"] == "ON":
            config["moderationRestrictions"] = dict({"chatRestriction": "NO_RESTRICTION", "reactionRestriction": "NO_RESTRICTION",
                                                     "presentRestriction": "NO_RESTRICTION", "defaultJoinAsViewerType": "OFF"},
                                                    **asked.get("moderationRestrictions", {}))
        if asked.get("artifactConfig"):
            config["artifactConfig"] = asked["artifactConfig"]
        code = meeting_code()
        space = {"name": "spaces/" + "".join(random.choice(string.ascii_letters + string.digits) for _ in range(12)),
                 "meetingUri": "https://meet.google.com/" + code, "meetingCode": code, "config": config}
        with STATE.lock:
            STATE.spaces[space["name"]] = space
        return self.reply(200, space)

    def spaces_get(self, key):
        if self.check_token(MEET_READ, error=rpc_error):
            return
        with STATE.lock:
            for s in STATE.spaces.values():
                if s["name"] == "spaces/" + key or s["meetingCode"] == key:
                    return self.reply(200, s)
        return self.reply(404, rpc_error(404, "Requested entity was not found."))

    # ---- OAuth -------------------------------------------------------------------------------
    def new_token(self, scopes, email, client_id):
        # config auth.token: the token to hand out (a test of tokens with & + % = in them)
        tok = STATE.config["auth"].get("token") or "ya29." + uuid.uuid4().hex
        with STATE.lock:
            STATE.tokens[tok] = {"scopes": set(scopes), "email": email, "client_id": client_id,
                                 "exp": time.time() + STATE.config["auth"].get("expires_in", 3599)}
        return tok

    def oauth_auth(self):
        q = self.query
        cfg = STATE.config.get("auth", {})
        page = lambda code, text: self.reply(code, ("<!DOCTYPE html><html><body><p>%s</p></body></html>" % text).encode(),
                                             content_type="text/html; charset=UTF-8")
        if not q.get("client_id"):
            return page(400, "Error 400: invalid_request. Missing required parameter: client_id")
        if cfg.get("unknown_client"):
            return page(401, "The OAuth client was not found. Error 401: invalid_client")
        redirect = q.get("redirect_uri", "")
        if not re.fullmatch(r"https://[a-p]{32}\.chromiumapp\.org/.*|https://[0-9a-f]{40}\.extensions\.allizom\.org/.*|http://127\.0\.0\.1(:\d+)?/mozoauth2/[0-9a-f]{40}.*", redirect):
            return page(400, "Error 400: redirect_uri_mismatch")
        rtype = q.get("response_type")
        if rtype not in ("token", "code"):
            return page(400, "Error 400: unsupported_response_type")
        state = q.get("state")
        if cfg.get("tamper_state"):
            state = "tampered-" + (state or "")
        frag = rtype == "token"
        params = {}
        error = cfg.get("error")
        if q.get("prompt") == "none" and cfg.get("prompt_none_error"):
            error = cfg["prompt_none_error"]
        if error:
            params = {"error": error}
        else:
            requested = set((q.get("scope") or "").split())
            granted = set(cfg["granted_scopes"]) & requested if "granted_scopes" in cfg else requested
            email = q.get("login_hint") or cfg.get("email", DEFAULT_EMAIL)
            if rtype == "token":
                params = {"access_token": self.new_token(granted, email, q["client_id"]), "token_type": "Bearer",
                          "expires_in": str(cfg.get("expires_in", 3599)), "scope": " ".join(sorted(granted))}
            else:
                code = "4/0A" + uuid.uuid4().hex
                with STATE.lock:
                    STATE.codes[code] = (granted, email, q["client_id"], redirect)
                params = {"code": code, "scope": " ".join(sorted(granted))}
            params.update(authuser="0", prompt=q.get("prompt", "consent"))
        if state is not None:
            params = {"state": state, **params}
        location = redirect + ("#" if frag else ("&" if "?" in redirect else "?")) + urlencode(params, quote_via=quote)
        return self.reply(302, b"", {"Location": location}, content_type="text/html; charset=UTF-8")

    def form(self):
        return {k: v[-1] for k, v in parse_qs(self.raw_body.decode("utf-8", "replace")).items()}

    def oauth_token(self):
        f = self.form()
        grant = f.get("grant_type")
        if grant == "authorization_code":
            with STATE.lock:
                entry = STATE.codes.pop(f.get("code", ""), None)
            if entry is None:
                return self.reply(400, {"error": "invalid_grant", "error_description": "Malformed auth code."})
            granted, email, client_id, redirect = entry
            if f.get("redirect_uri") != redirect:
                return self.reply(400, {"error": "redirect_uri_mismatch", "error_description": "Bad Request"})
            tok = self.new_token(granted, email, client_id)
            return self.reply(200, {"access_token": tok, "expires_in": 3599, "scope": " ".join(sorted(granted)),
                                    "token_type": "Bearer"})
        if grant == "refresh_token":
            return self.reply(400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
        if not grant:
            return self.reply(400, {"error": "invalid_request", "error_description": "Missing required parameter: grant_type"})
        return self.reply(400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type: " + grant})

    def oauth_revoke(self):
        tok = self.query.get("token") or self.form().get("token")
        with STATE.lock:
            if not tok or tok not in STATE.tokens or tok in STATE.revoked:
                return self.reply(400, {"error": "invalid_token", "error_description": "Token expired or revoked"})
            STATE.revoked.add(tok)
        return self.reply(200, {})

    def oauth_tokeninfo(self):
        tok = self.query.get("access_token") or self.form().get("access_token") or self.token()
        info = STATE.tokens.get(tok or "")
        if info is None or tok in STATE.revoked or info["exp"] < time.time():
            return self.reply(400, {"error": "invalid_token", "error_description": "Invalid Value"})
        body = {"azp": info["client_id"], "aud": info["client_id"], "sub": str(abs(hash(info["email"])) % 10**19),
                "scope": " ".join(sorted(info["scopes"])), "exp": str(int(info["exp"])),
                "expires_in": str(max(0, int(info["exp"] - time.time()))), "access_type": "online"}
        if "email" in info["scopes"] or "https://www.googleapis.com/auth/userinfo.email" in info["scopes"]:
            body.update(email=info["email"], email_verified="true")
        return self.reply(200, body)

    # ---- control -----------------------------------------------------------------------------
    def control(self, method, path):
        body = self.json_body if self.json_body is not ValueError else None
        if path == "/_fake/reset" and method == "POST":
            STATE.reset()
            if isinstance(body, dict):
                STATE.config.update(body)
            return self.reply(200, {"ok": True})
        if path == "/_fake/config" and method == "POST" and isinstance(body, dict):
            with STATE.lock:
                STATE.config.update(body)
            return self.reply(200, STATE.config)
        if path == "/_fake/faults/clear" and method == "POST":
            with STATE.lock:
                STATE.faults = []
            return self.reply(200, {"queued": 0})
        if path == "/_fake/faults" and method == "POST":
            with STATE.lock:
                STATE.faults.extend(body if isinstance(body, list) else [body])
            return self.reply(200, {"queued": len(STATE.faults)})
        if path == "/_fake/tokens" and method == "POST" and isinstance(body, dict):
            with STATE.lock:
                STATE.tokens[body["token"]] = {"scopes": set(body.get("scopes", [G + "calendar.events.owned"])),
                                               "email": body.get("email", DEFAULT_EMAIL), "client_id": "fake-client",
                                               "exp": time.time() + body.get("expires_in", 3600)}
            return self.reply(200, {"ok": True})
        if path == "/_fake/log" and method == "GET":
            with STATE.lock:
                return self.reply(200, STATE.log)
        if path == "/_fake/events" and method == "GET":
            with STATE.lock:
                return self.reply(200, list(STATE.events.values()))
        if path == "/_fake/schema" and method == "GET":
            with STATE.lock:
                return self.reply(200, STATE.schema)
        if path == "/_fake/schema/take" and method == "POST":
            with STATE.lock:
                taken, STATE.schema = STATE.schema, []
            return self.reply(200, taken)
        if path == "/_fake/mail" and method == "GET":
            with STATE.lock:
                return self.reply(200, STATE.mail)
        if path == "/_fake/spaces" and method == "GET":
            with STATE.lock:
                return self.reply(200, STATE.spaces)
        return self.reply(404, {"error": "unknown control endpoint"})


class _Sink:
    def write(self, data):
        return len(data)

    def flush(self):
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=7357)
    ap.add_argument("--discovery", default=discovery.default_directory(),
                    help="the folder with calendar-v3.json and meet-v2.json (Google's discovery documents)")
    args = ap.parse_args()
    global DISCOVERY
    try:
        DISCOVERY = discovery.Discovery(args.discovery)
    except (OSError, ValueError) as e:
        sys.exit("fake_google: cannot read Google's discovery documents in %s (%s). They are Calendar v3's and "
                 "Meet v2's (../shared/reference/discovery/SOURCE.md says where from); set MEETLINK_DISCOVERY_DIR "
                 "or --discovery to their folder." % (args.discovery, e))
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    print("fake_google listening on http://%s:%d (discovery: calendar %s, meet %s)" % (
        args.host, server.server_port, DISCOVERY.calendar.revision, DISCOVERY.meet.revision), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
