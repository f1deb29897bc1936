"""Every Calendar and Meet request checked against Google's own discovery documents.

The documents are Google's machine-readable API descriptions (`../shared/reference/discovery/`, with
their source and revision in `SOURCE.md` there): every method's HTTP verb and path, its query
parameters with their types and enums, and the request body's schema. `Discovery.check` reads one
request against them and says what Google would do with it:

- `errors`: what Google rejects before doing anything (a path or verb no method has, a query parameter
  of the wrong type or outside its enum, a body field of the wrong type, enum or format; for Meet, a
  field or query parameter it does not know). Each carries the status and error body Google answers.
- `ignored`: what Google accepts and drops without a word (for Calendar, a body field or query
  parameter it does not know; for both, a read-only field the client sent). The request is answered as
  Google would answer it; the finding is what a test should hear about, since a typo there drops a
  setting silently.

How each API says no differs, and follows the API's kind:
- Calendar v3 is a "legacy" REST API: unknown body fields and query parameters are ignored (a strict
  client ignores them too: google-apis.md §1.2); a bad query enum is 400 `invalidParameter` with
  "Invalid string value: 'x'. Allowed values: [...]" and the parameter as its `location` [O]; a bad
  body value is 400 `invalid` "Invalid Value", a value of the wrong JSON type 400 `parseError`
  "Parse Error" [U: the legacy envelope's reasons; the exact messages are not documented]. Its body
  enums are not in the document's `enum` keys but in each field's description ("Possible values
  are: ..."); read-only fields say "Read-only." there too.
- Meet v2 is a One Platform API (google.rpc.Status errors): an unknown body field is 400
  INVALID_ARGUMENT "Invalid JSON payload received. Unknown name "x" at 'space.config': Cannot find
  field.", an unknown query parameter "... Cannot bind query parameter. Field 'x' could not be found
  in request message.", a bad value "Invalid value at 'space.config.moderation' (TYPE_ENUM), "X"",
  each with a google.rpc.BadRequest field violation [O: these messages as Google's JSON parser gives
  them in public issue threads]. Output-only fields (`readOnly`) are ignored.

Not checked here, on purpose: fields that must be present (the fake's handlers answer those with
Google's own messages), OAuth endpoints (no discovery document describes them), and answers.

Standard library only, like the fake.
"""
import json
import os
import re
from urllib.parse import parse_qs, unquote

INT32 = (-2 ** 31, 2 ** 31 - 1)
UINT32 = (0, 2 ** 32 - 1)
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$", re.I)
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DURATION = re.compile(r"^-?\d+(\.\d{1,9})?s$")
INTEGER = re.compile(r"^-?\d+$")
BASE64 = re.compile(r"^[A-Za-z0-9+/_-]*={0,2}$")  # proto3 JSON takes the standard and the URL-safe alphabet
NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][+-]?\d+)?$")
POSSIBLE = re.compile(r'[Pp]ossible values are:(.*)', re.S)
QUOTED = re.compile(r'^\s*- "([^"]+)"', re.M)
READ_ONLY = re.compile(r"\bRead-only\b", re.I)


class Verdict:
    def __init__(self, api, method_id):
        self.api, self.method_id = api, method_id
        self.errors, self.ignored = [], []
        self.reply = None  # (status, body) for the first error, in the API's own envelope

    def add(self, kind, where, message, reply=None):
        """Records one thing Google would reject (`error`) or drop (`ignored`)."""
        f = dict(kind=kind, api=self.api.name if self.api else None, method=self.method_id, where=where, message=message)
        (self.errors if kind == "error" else self.ignored).append(f)
        if kind == "error" and self.reply is None:
            self.reply = reply

    def findings(self):
        return self.errors + self.ignored


def _snake(name):
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


class Api:
    """One discovery document, mounted at `prefix` (the path its methods' paths are relative to)."""

    def __init__(self, doc, name, legacy):
        self.name, self.legacy = name, legacy
        self.revision = doc.get("revision")
        self.prefix = "/" + doc.get("servicePath", "")
        self.schemas = doc.get("schemas", {})
        self.globals = doc.get("parameters", {})
        self.methods = []  # (httpMethod, compiled path, literal length, method)
        self._collect(doc)

    def _collect(self, node):
        for method in node.get("methods", {}).values():
            pattern, literal = "", 0
            for part in re.split(r"(\{\+?[^}]+\})", method["path"]):
                m = re.fullmatch(r"\{(\+?)([^}]+)\}", part)
                if m:
                    pattern += "(?P<%s>%s)" % (re.sub(r"\W", "_", m.group(2)), ".+" if m.group(1) else "[^/]+")
                else:
                    pattern += re.escape(part)
                    literal += len(part)
            self.methods.append((method["httpMethod"], re.compile(pattern), literal, method))
        for child in node.get("resources", {}).values():
            self._collect(child)

    def find(self, verb, rest):
        """The method a request goes to (the most literal path wins, path patterns respected), and its
        path parameters; or (None, None)."""
        best = None
        for http, pattern, literal, method in self.methods:
            m = pattern.fullmatch(rest)
            if http != verb or not m:
                continue
            params = {k: unquote(v) for k, v in m.groupdict().items()}
            fits = all(re.fullmatch(spec["pattern"].lstrip("^").rstrip("$"), params.get(re.sub(r"\W", "_", n), ""))
                       for n, spec in method.get("parameters", {}).items()
                       if spec.get("location") == "path" and "pattern" in spec)
            if fits and (best is None or literal > best[0]):
                best = (literal, method, params)
        return (best[1], best[2]) if best else (None, None)

    # ---- the API's own way of saying no ----------------------------------------------------------
    def bad_request(self, reason, message, location=None):
        if self.legacy:
            err = {"domain": "global", "reason": reason, "message": message}
            if location:
                err.update(locationType="parameter", location=location)
            return 400, {"error": {"errors": [err], "code": 400, "message": message, "status": "INVALID_ARGUMENT"}}
        return 400, {"error": {"code": 400, "message": message, "status": "INVALID_ARGUMENT",
                               "details": [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                                            "fieldViolations": [{"field": location or "", "description": message}]
                                            if location else [{"description": message}]}]}}

    def not_found(self):
        if self.legacy:
            return 404, {"error": {"errors": [{"domain": "global", "reason": "notFound", "message": "Not Found"}],
                                   "code": 404, "message": "Not Found", "status": "NOT_FOUND"}}
        return 404, {"error": {"code": 404, "message": "Method not found.", "status": "NOT_FOUND"}}

    # ---- query ---------------------------------------------------------------------------------
    def check_query(self, v, method, query):
        params = method.get("parameters", {})
        for name, values in query.items():
            spec = params.get(name) if params.get(name, {}).get("location") == "query" else self.globals.get(name)
            if spec is None:
                if self.legacy:
                    v.add("ignored", "query." + name, "query parameter %r is not one of %s's" % (name, v.method_id))
                else:
                    msg = ("Invalid JSON payload received. Unknown name \"%s\": Cannot bind query parameter. "
                           "Field '%s' could not be found in request message." % (name, name))
                    v.add("error", "query." + name, msg, self.bad_request("invalid", msg))
                continue
            if len(values) > 1 and not spec.get("repeated"):
                msg = "Invalid %s value: given %d times." % (name, len(values))
                v.add("error", "query." + name, msg, self.bad_request("invalidParameter", msg, name))
                continue
            for value in values:
                problem = self.scalar_problem(spec, value, from_query=True)
                if problem:
                    if spec.get("enum") and self.legacy:
                        msg = "Invalid string value: '%s'. Allowed values: [%s]" % (value, ", ".join(spec["enum"]))
                    elif self.legacy:
                        msg = "Invalid %s value." % name
                    else:
                        msg = "Invalid value at '%s' (%s), \"%s\"" % (name, problem, value)
                    v.add("error", "query." + name, msg, self.bad_request("invalidParameter", msg, name))
        for name, spec in params.items():
            if spec.get("location") == "query" and spec.get("required") and name not in query:
                msg = "Required parameter: %s" % name
                v.add("error", "query." + name, msg, self.bad_request("required", msg, name))

    # ---- values --------------------------------------------------------------------------------
    def enum_of(self, spec):
        if "enum" in spec:
            return spec["enum"]
        m = POSSIBLE.search(spec.get("description", "")) if self.legacy and spec.get("type") == "string" else None
        values = QUOTED.findall(m.group(1)) if m else []
        return values or None

    def scalar_problem(self, spec, value, from_query=False):
        """Why `value` is not of `spec`'s scalar type, format, range or enum (a short type word, as
        Google's parser names it), or None."""
        kind, fmt = spec.get("type"), spec.get("format")
        if kind == "string":
            if not isinstance(value, str):
                return "TYPE_STRING"
            enum = self.enum_of(spec)
            if enum and value not in enum:
                return "TYPE_ENUM"
            if fmt in ("date-time", "google-datetime") and not RFC3339.match(value):
                return "TYPE_STRING (format %s)" % fmt
            if fmt == "date" and not DATE.match(value):
                return "TYPE_STRING (format date)"
            if fmt == "google-duration" and not DURATION.match(value):
                return "TYPE_STRING (format google-duration)"
            if fmt in ("int64", "uint64") and not INTEGER.match(value):
                return "TYPE_INT64"
            if fmt == "byte" and not BASE64.match(value):
                return "TYPE_BYTES"
            pattern = spec.get("pattern")
            if pattern and not re.search(pattern, value):
                return "TYPE_STRING (pattern %s)" % pattern
            return None
        if kind == "integer":
            if from_query or isinstance(value, str):
                if not isinstance(value, str) or not INTEGER.match(value):
                    return "TYPE_INT32" if fmt != "uint32" else "TYPE_UINT32"
                value = int(value)
            elif isinstance(value, bool) or not isinstance(value, int):
                return "TYPE_INT32" if fmt != "uint32" else "TYPE_UINT32"
            low, high = UINT32 if fmt == "uint32" else INT32
            if "minimum" in spec:
                low = max(low, int(spec["minimum"]))
            if "maximum" in spec:
                high = min(high, int(spec["maximum"]))
            return None if low <= value <= high else "TYPE_INT32 (out of range)"
        if kind == "number":
            if isinstance(value, bool) or not (isinstance(value, (int, float)) or (isinstance(value, str) and NUMBER.match(value))):
                return "TYPE_DOUBLE"
            return None
        if kind == "boolean":
            if from_query:
                return None if value in ("true", "false") else "TYPE_BOOL"
            return None if isinstance(value, bool) else "TYPE_BOOL"
        return None

    def resolve(self, spec):
        seen = 0
        while "$ref" in spec and seen < 20:
            spec = dict(self.schemas[spec["$ref"]], **{k: v for k, v in spec.items() if k != "$ref"})
            seen += 1
        return spec

    # ---- body ----------------------------------------------------------------------------------
    def check_body(self, v, spec, value, at, proto_at, depth=0):
        """Walks `value` against `spec`; `at` is the JSON path (for the finding), `proto_at` the path
        as Google's parser names it in its messages (snake_case under the request's root)."""
        if depth > 32:
            v.add("error", at, "nested too deep", self.bad_request("invalid", "Invalid Value"))
            return
        spec = self.resolve(spec)
        if value is None:  # JSON null: the field's default (proto3 JSON), "not set" for Calendar
            return
        if spec.get("readOnly") or (self.legacy and READ_ONLY.search(spec.get("description", ""))):
            v.add("ignored", at, "%s is read-only: Google ignores it in a request" % at)
            return
        kind = spec.get("type")
        if kind == "object" or "properties" in spec:
            if not isinstance(value, dict):
                self.wrong_value(v, at, proto_at, "TYPE_MESSAGE", value, parse=True)
                return
            props, extra = spec.get("properties", {}), spec.get("additionalProperties")
            for key, child in value.items():
                sub = props.get(key) or extra
                where = "%s.%s" % (at, key)
                if sub is None:
                    if self.legacy:
                        v.add("ignored", where, "%s is not a field of %s: Google ignores it" % (where, spec.get("id", at)))
                    else:
                        msg = "Invalid JSON payload received. Unknown name \"%s\"%s: Cannot find field." % (
                            key, " at '%s'" % proto_at if proto_at else "")
                        v.add("error", where, msg, self.bad_request("invalid", msg, proto_at or None))
                    continue
                self.check_body(v, sub, child, where, "%s.%s" % (proto_at, _snake(key)) if proto_at else _snake(key), depth + 1)
            return
        if kind == "array":
            if not isinstance(value, list):
                self.wrong_value(v, at, proto_at, "TYPE_LIST", value, parse=True)
                return
            for i, item in enumerate(value):
                self.check_body(v, spec.get("items", {}), item, "%s[%d]" % (at, i), "%s[%d]" % (proto_at, i), depth + 1)
            return
        if kind == "any":
            return
        problem = self.scalar_problem(spec, value)
        if problem:
            parse = problem in ("TYPE_STRING", "TYPE_BOOL", "TYPE_DOUBLE") or (
                problem.startswith("TYPE_INT") and not isinstance(value, (int, str)))
            self.wrong_value(v, at, proto_at, problem, value, parse=parse)

    def wrong_value(self, v, at, proto_at, problem, value, parse):
        shown = json.dumps(value)[:80]
        if self.legacy:
            reason, msg = ("parseError", "Parse Error") if parse else ("invalid", "Invalid Value")
            v.add("error", at, "%s: %s (%s), %s" % (msg, at, problem, shown), self.bad_request(reason, msg))
        else:
            msg = "Invalid value at '%s' (%s), %s" % (proto_at, problem, shown)
            v.add("error", at, msg, self.bad_request("invalid", msg, proto_at))


class Discovery:
    """Both documents; `check` routes a request to the one whose path it is under."""

    def __init__(self, directory):
        self.directory = directory
        with open(os.path.join(directory, "calendar-v3.json"), encoding="utf-8") as f:
            self.calendar = Api(json.load(f), "calendar", legacy=True)
        with open(os.path.join(directory, "meet-v2.json"), encoding="utf-8") as f:
            self.meet = Api(json.load(f), "meet", legacy=False)

    def api_for(self, path):
        if path.startswith(self.calendar.prefix):
            return self.calendar
        if path.startswith("/v2/") or path == "/v2":
            return self.meet
        return None

    def check(self, verb, path, query_string, body):
        """A Verdict for one request, or None when the path is no Calendar or Meet path. `body` is the
        parsed JSON, None for none, or ValueError when it did not parse (the handler answers that)."""
        api = self.api_for(path)
        if api is None:
            return None
        rest = path[len(api.prefix):] if api is self.calendar else path[1:]
        method, params = api.find(verb, rest)
        v = Verdict(api, method["id"] if method else None)
        if method is None:
            v.add("error", "path", "no %s method answers %s %s" % (api.name, verb, path), api.not_found())
            return v
        api.check_query(v, method, parse_qs(query_string, keep_blank_values=True))
        request = method.get("request")
        if body is ValueError:
            return v
        if request is None:
            if body is not None:
                v.add("ignored", "body", "%s takes no body: Google ignores it" % method["id"])
            return v
        if body is not None:
            root = "" if api.legacy else _snake(request["$ref"][0].lower() + request["$ref"][1:])
            # A Meet method whose body is the resource itself names the resource (`space`); one whose
            # body is a request message names nothing.
            if not api.legacy and request["$ref"].endswith("Request"):
                root = ""
            api.check_body(v, request, body, "body", root)
        return v


def default_directory():
    """Where the documents are: $MEETLINK_DISCOVERY_DIR, else ../shared/reference/discovery beside the
    repository."""
    env = os.environ.get("MEETLINK_DISCOVERY_DIR")
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "..", "shared", "reference", "discovery"))
