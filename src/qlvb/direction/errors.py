"""The codes of the direction app's domain errors (``DomainError.code``; API clients read them as they are)."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    DUE_IN_PAST = "due_in_past"  # a due date before today
    EVENT_ENDS_BEFORE_START = "event_ends_before_start"  # an event ending before (or when) it starts
    ROOM_BOOKED = "room_booked"  # the meeting room is booked by another event at that time
    EVENT_CANCELLED = "event_cancelled"  # a cancelled event is not changed
    NOTHING_TO_PUBLISH = "nothing_to_publish"  # publishing a week with no draft event
    FEED_REVOKED = "feed_revoked"  # a revoked iCalendar feed token
    OUTSIDE_AGENCY = "outside_agency"  # a person or unit of another agency: attendee, recipient, task handler
    BAD_PERIOD = "bad_period"  # an announcement valid until a day before it starts
    NO_RECIPIENT = "no_recipient"  # an announcement to chosen units or people with none chosen
    DATE_OUT_OF_RANGE = "date_out_of_range"  # a calendar date outside the years 2000-2100
    BAD_REPEAT = "bad_repeat"  # a repeated event with no end, an end before the start, or reaching too far
    NOT_A_LEADER = "not_a_leader"  # only a leader or a department head gives tasks
