"""The discovery check itself (discovery.py), on hand-made requests: what it must let through (the
requests MeetLink sends, in their every form) and what it must catch, each kind of mistake once for
Calendar (a legacy API: unknown fields are dropped, not refused) and once for Meet (One Platform:
unknown fields are refused).

Run: python3 -m unittest discover -s tests/fake_google   (./build.sh test runs it)
"""
import copy
import unittest

import discovery

D = discovery.Discovery(discovery.default_directory())
INSERT = "/calendar/v3/calendars/primary/events"
QUERY = "conferenceDataVersion=1&sendUpdates=none"

# What MeetLink sends (src/calendar.rs NewEvent; an invite's attendees; a space with every preset).
EVENT = {
    "id": "a1b2c3d4e5f6g7h8i9j0",
    "summary": "Meet",
    "start": {"dateTime": "2026-12-05T10:00:00Z", "timeZone": "Europe/Berlin"},
    "end": {"dateTime": "2026-12-05T10:30:00+01:00", "timeZone": "Europe/Berlin"},
    "transparency": "transparent",
    "reminders": {"useDefault": False, "overrides": []},
    "attendees": [{"email": "ana@example.com"}, {"email": "bo@partner.org", "optional": True}],
    "conferenceData": {"createRequest": {"requestId": "7f0c1e0a-r1", "conferenceSolutionKey": {"type": "hangoutsMeet"}}},
}
SPACE = {"config": {
    "accessType": "TRUSTED", "entryPointAccess": "CREATOR_APP_ONLY", "moderation": "ON",
    "moderationRestrictions": {"chatRestriction": "HOSTS_ONLY", "reactionRestriction": "NO_RESTRICTION",
                               "presentRestriction": "HOSTS_ONLY", "defaultJoinAsViewerType": "ON"},
    "artifactConfig": {"recordingConfig": {"autoRecordingGeneration": "ON"},
                       "transcriptionConfig": {"autoTranscriptionGeneration": "OFF"},
                       "smartNotesConfig": {"autoSmartNotesGeneration": "ON"}},
}}


def with_(base, path, value):
    """A deep copy of `base` with `value` set at the dotted `path` (a missing object is made)."""
    out = copy.deepcopy(base)
    node, keys = out, path.split(".")
    for k in keys[:-1]:
        node = node.setdefault(k, {})
    node[keys[-1]] = value
    return out


def kinds(verdict):
    return sorted((f["kind"], f["where"]) for f in verdict.findings())


class Valid(unittest.TestCase):
    """Nothing found in what MeetLink sends: a test that cannot pass would make every e2e test red."""

    def test_every_request_meetlink_sends(self):
        rows = [
            ("POST", INSERT, QUERY, EVENT),
            ("POST", INSERT, "conferenceDataVersion=1&sendUpdates=externalOnly", EVENT),
            ("POST", INSERT, "conferenceDataVersion=1&sendUpdates=all", EVENT),
            ("GET", INSERT + "/a1b2c3d4e5f6g7h8i9j0", "", None),
            ("DELETE", INSERT + "/a1b2c3d4e5f6g7h8i9j0", "", None),
            ("GET", "/calendar/v3/calendars/primary", "", None),
            ("GET", "/calendar/v3/users/me/calendarList/me%40example.com", "", None),
            ("POST", "/v2/spaces", "", SPACE),
            ("POST", "/v2/spaces", "", {}),
            ("GET", "/v2/spaces/jQCFfuBOdN5z", "", None),
        ]
        for verb, path, query, body in rows:
            with self.subTest(verb=verb, path=path, query=query):
                v = D.check(verb, path, query, body)
                self.assertIsNotNone(v.method_id)
                self.assertEqual(v.findings(), [])

    def test_routes_to_the_right_method(self):
        self.assertEqual(D.check("POST", INSERT, "", EVENT).method_id, "calendar.events.insert")
        self.assertEqual(D.check("POST", INSERT + "/quickAdd", "text=x", None).method_id, "calendar.events.quickAdd")
        self.assertEqual(D.check("GET", INSERT + "/abcde/instances", "", None).method_id, "calendar.events.instances")
        self.assertEqual(D.check("POST", "/v2/spaces/abc:endActiveConference", "", {}).method_id,
                         "meet.spaces.endActiveConference")
        self.assertEqual(D.check("GET", "/v2/conferenceRecords/abc", "", None).method_id, "meet.conferenceRecords.get")

    def test_not_google_paths_are_not_checked(self):
        for path in ("/token", "/o/oauth2/v2/auth", "/tokeninfo", "/revoke", "/_fake/log"):
            self.assertIsNone(D.check("POST", path, "", None))


class Calendar(unittest.TestCase):
    def test_unknown_field_is_ignored_and_found(self):
        v = D.check("POST", INSERT, QUERY, with_(EVENT, "summry", "typo"))
        self.assertEqual(kinds(v), [("ignored", "body.summry")])
        self.assertIsNone(v.reply)  # answered as Google would: the event is made without it

    def test_unknown_nested_field(self):
        v = D.check("POST", INSERT, QUERY, with_(EVENT, "conferenceData.createRequest.conferenceSolution", {"type": "x"}))
        self.assertEqual(kinds(v), [("ignored", "body.conferenceData.createRequest.conferenceSolution")])

    def test_bad_enum_in_the_body_is_refused(self):
        v = D.check("POST", INSERT, QUERY, with_(EVENT, "transparency", "free"))
        self.assertEqual(kinds(v), [("error", "body.transparency")])
        status, body = v.reply
        self.assertEqual((status, body["error"]["errors"][0]["reason"]), (400, "invalid"))

    def test_bad_enum_in_an_array_item(self):
        v = D.check("POST", INSERT, QUERY, with_(EVENT, "attendees", [{"email": "a@b.co", "responseStatus": "maybe"}]))
        self.assertEqual(kinds(v), [("error", "body.attendees[0].responseStatus")])

    def test_conference_type_enum(self):
        v = D.check("POST", INSERT, QUERY, with_(EVENT, "conferenceData.createRequest.conferenceSolutionKey.type", "meet"))
        self.assertEqual(kinds(v), [("error", "body.conferenceData.createRequest.conferenceSolutionKey.type")])

    def test_wrong_type(self):
        rows = [("reminders.useDefault", "false"), ("attendees", {"email": "a@b.co"}), ("start", "2026-12-05"),
                ("sequence", 1.5), ("summary", 7), ("reminders.overrides", [{"method": "popup", "minutes": "ten"}])]
        for path, value in rows:
            with self.subTest(path=path):
                v = D.check("POST", INSERT, QUERY, with_(EVENT, path, value))
                self.assertEqual([f["kind"] for f in v.findings()], ["error"])
                self.assertEqual(v.reply[0], 400)

    def test_formats(self):
        for path, value in [("start.dateTime", "2026-12-05 10:00"), ("end.date", "5.12.2026"),
                            ("start.dateTime", "2026-12-05T10:00:00")]:
            with self.subTest(path=path, value=value):
                self.assertEqual(kinds(D.check("POST", INSERT, QUERY, with_(EVENT, path, value))), [("error", "body." + path)])
        # `format: byte` (base64, either alphabet): MeetLink sends no such field, so on a spec alone.
        spec = {"type": "string", "format": "byte"}
        self.assertIsNone(D.calendar.scalar_problem(spec, "aGVsbG8_LQ=="))
        self.assertEqual(D.calendar.scalar_problem(spec, "not base64!"), "TYPE_BYTES")

    def test_read_only_fields_are_found(self):
        for path in ("hangoutLink", "htmlLink", "created", "creator", "organizer"):
            with self.subTest(path=path):
                value = {"email": "x@y.z"} if path in ("creator", "organizer") else "2026-12-05T10:00:00Z"
                v = D.check("POST", INSERT, QUERY, with_(EVENT, path, value))
                self.assertEqual(kinds(v), [("ignored", "body." + path)])
        v = D.check("POST", INSERT, QUERY, with_(EVENT, "conferenceData.createRequest.status", {"statusCode": "success"}))
        self.assertEqual(kinds(v), [("ignored", "body.conferenceData.createRequest.status.statusCode")])

    def test_query_parameters(self):
        v = D.check("POST", INSERT, "conferenceDataVersion=1&sendUpdates=everyone", EVENT)
        self.assertEqual(kinds(v), [("error", "query.sendUpdates")])
        err = v.reply[1]["error"]["errors"][0]
        self.assertEqual((err["reason"], err["location"], err["locationType"]), ("invalidParameter", "sendUpdates", "parameter"))
        self.assertEqual(err["message"], "Invalid string value: 'everyone'. Allowed values: [all, externalOnly, none]")
        self.assertEqual(kinds(D.check("POST", INSERT, "conferenceDataVersion=2", EVENT)), [("error", "query.conferenceDataVersion")])
        self.assertEqual(kinds(D.check("POST", INSERT, "conferenceDataVersion=one", EVENT)), [("error", "query.conferenceDataVersion")])
        self.assertEqual(kinds(D.check("POST", INSERT, "supportsAttachments=yes", EVENT)), [("error", "query.supportsAttachments")])
        self.assertEqual(kinds(D.check("POST", INSERT, "conferenceDataVersion=1&conferenceDataVersion=0", EVENT)),
                         [("error", "query.conferenceDataVersion")])
        # Unknown: Calendar drops it; a global parameter is every method's.
        self.assertEqual(kinds(D.check("POST", INSERT, "conferenceDataVersoin=1", EVENT)), [("ignored", "query.conferenceDataVersoin")])
        self.assertEqual(kinds(D.check("POST", INSERT, "fields=id&prettyPrint=false&" + QUERY, EVENT)), [])
        # sendUpdates is insert's, not get's.
        self.assertEqual(kinds(D.check("GET", INSERT + "/abcde", "sendUpdates=all", None)), [("ignored", "query.sendUpdates")])

    def test_unknown_path_or_verb(self):
        for verb, path in [("POST", "/calendar/v3/calendars/primary/event"), ("PUT", "/calendar/v3/calendars/primary/events"),
                           ("GET", "/calendar/v3/events")]:
            with self.subTest(verb=verb, path=path):
                v = D.check(verb, path, "", None)
                self.assertIsNone(v.method_id)
                self.assertEqual(v.reply[0], 404)

    def test_a_body_where_none_is_taken(self):
        self.assertEqual(kinds(D.check("DELETE", INSERT + "/abcde", "", {"x": 1})), [("ignored", "body")])


class Meet(unittest.TestCase):
    def test_unknown_field_is_refused(self):
        v = D.check("POST", "/v2/spaces", "", with_(SPACE, "config.moderationRestriction", {}))
        self.assertEqual(kinds(v), [("error", "body.config.moderationRestriction")])
        status, body = v.reply
        self.assertEqual(status, 400)
        self.assertEqual(body["error"]["status"], "INVALID_ARGUMENT")
        self.assertEqual(body["error"]["message"],
                         "Invalid JSON payload received. Unknown name \"moderationRestriction\" at 'space.config': Cannot find field.")
        self.assertNotIn("errors", body["error"])  # google.rpc.Status, not the legacy envelope
        v = D.check("POST", "/v2/spaces", "", {"settings": {}})
        self.assertEqual(v.reply[1]["error"]["message"], "Invalid JSON payload received. Unknown name \"settings\" at 'space': Cannot find field.")

    def test_bad_enum(self):
        for path, value in [("config.moderationRestrictions.chatRestriction", "HOST_ONLY"), ("config.moderation", "on"),
                            ("config.artifactConfig.recordingConfig.autoRecordingGeneration", True)]:
            with self.subTest(path=path):
                v = D.check("POST", "/v2/spaces", "", with_(SPACE, path, value))
                self.assertEqual(kinds(v), [("error", "body." + path)])
                self.assertIn("space." + discovery._snake(path), v.reply[1]["error"]["message"])

    def test_wrong_type(self):
        self.assertEqual(kinds(D.check("POST", "/v2/spaces", "", {"config": "ON"})), [("error", "body.config")])
        self.assertEqual(kinds(D.check("POST", "/v2/spaces", "", with_(SPACE, "config.moderationRestrictions", ["ON"]))),
                         [("error", "body.config.moderationRestrictions")])

    def test_output_only_fields_are_found(self):
        for path in ("meetingUri", "meetingCode", "phoneAccess"):
            with self.subTest(path=path):
                v = D.check("POST", "/v2/spaces", "", with_(SPACE, path, [] if path == "phoneAccess" else "abc-defg-hij"))
                self.assertEqual(kinds(v), [("ignored", "body." + path)])

    def test_unknown_query_parameter_is_refused(self):
        v = D.check("POST", "/v2/spaces", "space.config.moderation=ON", SPACE)
        self.assertEqual(kinds(v), [("error", "query.space.config.moderation")])
        self.assertIn("Cannot bind query parameter", v.reply[1]["error"]["message"])
        self.assertEqual(kinds(D.check("PATCH", "/v2/spaces/abc", "updateMask=config.moderation", SPACE)), [])

    def test_path_patterns(self):
        self.assertIsNone(D.check("GET", "/v2/spaces/a/b", "", None).method_id)
        self.assertIsNone(D.check("POST", "/v2/space", "", SPACE).method_id)


if __name__ == "__main__":
    unittest.main()
