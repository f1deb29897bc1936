#!/usr/bin/env python3
"""The flow of the script MeetLink replaces (meet.py, DESIGN.md), timed on the same fake Google.

Uses the seed's own libraries (google-api-python-client, google-auth): load a token file, insert a
Calendar event with a Meet createRequest and conferenceDataVersion=1, read hangoutLink, delete the
event, print the link. The only change is the API root (the fake instead of www.googleapis.com), given
the way the client library documents it (client_options api_endpoint), and the bundled discovery
document (static_discovery) since there is no network. Prints one line of JSON: the per-run times in ms,
measured from process start (Python start-up and imports included, as the seed's user waits for them)
and from the first call (the two sequential Google calls only).
"""
import json
import sys
import time

T0 = time.perf_counter()

import uuid  # noqa: E402

from google.oauth2.credentials import Credentials  # noqa: E402
from googleapiclient.discovery import build  # noqa: E402


def main():
    base, token_file, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    creds = Credentials.from_authorized_user_file(token_file)
    service = build("calendar", "v3", credentials=creds, static_discovery=True,
                    client_options={"api_endpoint": base.rstrip("/") + "/calendar/v3/"}, cache_discovery=False)
    startup_ms = (time.perf_counter() - T0) * 1000
    calls = []
    for _ in range(runs):
        t = time.perf_counter()
        event = service.events().insert(calendarId="primary", conferenceDataVersion=1, body={
            "summary": "Meet",
            "start": {"dateTime": "2026-01-01T10:00:00Z"},
            "end": {"dateTime": "2026-01-01T10:30:00Z"},
            "conferenceData": {"createRequest": {"requestId": uuid.uuid4().hex,
                                                 "conferenceSolutionKey": {"type": "hangoutsMeet"}}},
        }).execute()
        link = event["hangoutLink"]
        service.events().delete(calendarId="primary", eventId=event["id"]).execute()
        print(f"Meet created: {link}", file=sys.stderr)
        calls.append((time.perf_counter() - t) * 1000)
    print(json.dumps({"startup_ms": startup_ms, "calls_ms": calls}))


if __name__ == "__main__":
    main()
