"""The demo's events: the International Symposium on Haier's Business Models (Qingdao, 8 January
2015: registrations, check-ins and a waiting list, all history) and an upcoming open day that a
demo visitor can register for. Every text here was written for this demo."""

from __future__ import annotations

import io
import random
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

from heyi.events import services
from heyi.events.models import Event, Partner, PartnerTier, Session, Speaker

QINGDAO = ZoneInfo("Asia/Shanghai")
VENUE = "Laoshan Bay Conference Hall"
VENUE_ADDRESS = "18 Haiyun Road, Laoshan District"

INTRODUCTION = (
    "Thirty years ago a small refrigerator factory in Qingdao decided that quality mattered "
    "more than output, and became one of the world's largest makers of home appliances. Since "
    "then it has tried something harder: turning a large company into a platform of small, "
    "self-organised teams that answer to their users rather than to a chain of managers.\n\n"
    "This one-day symposium brings together the people who run those teams, the researchers "
    "who study them and entrepreneurs from abroad who want to know whether the model travels. "
    "Expect numbers as well as stories: how a team wins a contest for a product, how it is "
    "paid from the value it creates, how users take part in design, and what changes when "
    "every appliance reports how it is used."
)

LETTER = (
    "Dear friends,\n\n"
    "We had planned to meet on 26 December, the anniversary of the day our company began. "
    "Many of you wrote to say that the end of December is the one week in which you cannot "
    "travel, so we moved the symposium to 8 January. Thank you for telling us; listening to "
    "the people we serve is, after all, the subject of the day.\n\n"
    'Our theme is "Shift gears and accelerate". The first years of the platform were about '
    "learning to let go: fewer layers, smaller teams, contests instead of assignments. The "
    "years ahead are about speed: how quickly a user's wish becomes a design, a design a "
    "product, and a product a service that keeps improving after it is delivered.\n\n"
    "Come with questions and with doubts. We will show you what works, what does not yet, "
    "and where we need partners.\n\n"
    "With warm regards from Qingdao,"
)

# (title, start hh:mm, end hh:mm, room, description, speaker indexes)
PROGRAMME: list[tuple[str, str, str, str, str, tuple[int, ...]]] = [
    (
        "Registration and morning tea",
        "08:30",
        "09:00",
        "Foyer",
        "Collect your badge at the desk with the QR code from your ticket e-mail.",
        (),
    ),
    (
        "Opening address: why we postponed, and why we are in a hurry",
        "09:00",
        "09:20",
        "Main Hall",
        "The host welcomes guests from eleven countries and sets out the questions of the day.",
        (0,),
    ),
    (
        "Keynote: a company of entrepreneurs",
        "09:20",
        "10:10",
        "Main Hall",
        "How the platform is organised: users at the top, small teams that contend for work, "
        "and a ledger that shows each team what its users paid and what it earned. What the "
        "numbers of the first years say, including the parts that went badly.",
        (8,),
    ),
    (
        "Panel: designing with the people who will use it",
        "10:30",
        "11:30",
        "Main Hall",
        "A cook, an industrial designer and a production engineer on co-design: how a "
        "complaint becomes a demand, how proposals are voted on, and how a factory copes with "
        "a design it did not choose.",
        (1, 3, 2),
    ),
    (
        "Panel: ventures, contests and the money behind them",
        "11:30",
        "12:30",
        "Room 2 (Seaview)",
        "What a micro-enterprise is, how it wins a tender on a published scoring rule, how it "
        "raises money, and what happens when it misses the target it bet on.",
        (5, 4, 7),
    ),
    (
        "Lunch",
        "12:30",
        "13:45",
        "Garden Restaurant",
        "Served on the terrace if the wind allows.",
        (),
    ),
    (
        "Panel: smart products and open device data",
        "13:45",
        "14:45",
        "Main Hall",
        "Appliances that report their state, apps built by outside developers on an open "
        "interface, and the rules that let a washing machine open a service ticket by itself. "
        "Who owns the data, and who may act on it.",
        (6, 9),
    ),
    (
        "Workshop: sharing the value a product creates",
        "15:00",
        "16:00",
        "Room 3 (Harbour)",
        "A hands-on session with one real order: where every yuan went, from the demand's "
        "author to the delivery team, and how the share rule was published before anyone bid.",
        (4, 10),
    ),
    (
        "Closing: the next thirty years",
        "16:15",
        "16:45",
        "Main Hall",
        "What we heard today, what we will change, and an invitation to come back next year.",
        (0, 8),
    ),
]

# Invented roles and short biographies for speakers drawn from the platform's people, in the
# order of `people`: the operator, the rest of the cast, then three residents.
SPEAKER_ROLES: list[tuple[str, str, str]] = [
    (
        "Host, platform operations",
        "heyi",
        "Has run the platform's published rules since its first tender and chairs the day.",
    ),
    (
        "Home cook and demand author",
        "heyi community",
        "Raised the demand for a fridge with a drawer children can reach; now reviews every round of it.",
    ),
    (
        "Production engineer, founder",
        "Blue Frost Cold Chain",
        "Turned a factory line into a team that bids for its own work.",
    ),
    (
        "Industrial designer",
        "Studio Berg",
        "Designs quiet, repairable appliances and teaches co-design with users.",
    ),
    (
        "Supplier of compressors and sensors",
        "Suzhou Components",
        "Answers requests for quotation from teams that won a production tender.",
    ),
    (
        "Partner, hardware fund",
        "Marques Ventures",
        "Invests in ventures with real users and honest numbers, and has lost a bet or two.",
    ),
    (
        "App developer",
        "Hangzhou Home Energy",
        "Builds apps on the open device interface and argues for users' control of their data.",
    ),
    (
        "Leader of a van team",
        "Shandong Bulky Delivery",
        "Delivers appliances across the province and contends for routes every morning.",
    ),
    (
        "Researcher in organisation design",
        "Qingdao Institute of Management",
        "Has followed the platform's teams for six years and writes about firms without middle managers.",
    ),
    (
        "Service technician",
        "Coastal Repairs",
        "Wins service tickets raised by appliances themselves, mostly leaking washers.",
    ),
    (
        "Accountant turned venture coach",
        "Laoshan Venture Studio",
        "Helps new teams read their value-added statements before they read anything else.",
    ),
]

PARTNERS: list[tuple[str, str, str]] = [
    (PartnerTier.STRATEGIC, "Yellow Sea Industrial Alliance", "https://example.org/yellow-sea"),
    (PartnerTier.STRATEGIC, "Shandong Makers' Cooperative", "https://example.org/shandong-makers"),
    (PartnerTier.RESOURCE, "Qingdao Institute of Management", "https://example.org/qim"),
    (PartnerTier.RESOURCE, "Laoshan Venture Studio", "https://example.org/laoshan-studio"),
    (PartnerTier.RESOURCE, "Coastal Cloud Services", "https://example.org/coastal-cloud"),
    (PartnerTier.MEDIA, "Harbour Business Weekly", "https://example.org/harbour-weekly"),
    (PartnerTier.MEDIA, "Manufacturing Futures Radio", "https://example.org/mf-radio"),
]


def _portrait(name: str, seed: int) -> ContentFile[bytes]:
    rng = random.Random(seed)
    colour = (rng.randint(40, 140), rng.randint(60, 150), rng.randint(90, 180))
    image = Image.new("RGB", (240, 240), colour)
    draw = ImageDraw.Draw(image)
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    font = ImageFont.load_default(size=96)
    draw.text((120, 120), initials, fill=(255, 255, 255), font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name=f"speaker-{seed}.png")


def _at(day: datetime, hhmm: str) -> datetime:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return day.replace(hour=hours, minute=minutes)


def _symposium(*, operator: Any, people: list[Any], rng: random.Random) -> dict[str, int]:
    day = datetime(2015, 1, 8, tzinfo=QINGDAO)
    event = Event.objects.create(
        slug="haier-model-symposium-2015",
        title="International Symposium on Haier's Business Models",
        theme="Shift gears and accelerate",
        starts_at=_at(day, "08:30"),
        ends_at=_at(day, "17:00"),
        time_zone="Asia/Shanghai",
        venue_name=VENUE,
        venue_address=VENUE_ADDRESS,
        venue_city="Qingdao",
        venue_map_text="Metro line 2 to Laoshan Bay, exit B, then five minutes towards the sea.",
        introduction=INTRODUCTION,
        letter_author=operator.name,
        letter_author_title="Host of the symposium",
        letter_body=LETTER,
        contact_email="symposium@heyi.localhost",
        contact_phone="+86 532 8000 2015",
        contact_address=f"{VENUE}, {VENUE_ADDRESS}, Qingdao",
        capacity=48,
        registration_opens_at=datetime(2014, 11, 20, 9, 0, tzinfo=QINGDAO),
        registration_closes_at=datetime(2015, 1, 7, 18, 0, tzinfo=QINGDAO),
        is_published=True,
    )
    event.staff.add(operator)
    chosen = [operator, *people[1:8], *people[8 : 8 + len(SPEAKER_ROLES) - 8]]
    speakers = []
    for index, (person, (title, organisation, biography)) in enumerate(
        zip(chosen, SPEAKER_ROLES, strict=False)
    ):
        speakers.append(
            Speaker.objects.create(
                event=event,
                name=person.name,
                title=title,
                organisation=organisation,
                biography=biography,
                portrait=_portrait(person.name, 2015 + index),
                user=person,
                position=index,
            )
        )
    for position, (title, start, end, room, description, who) in enumerate(PROGRAMME):
        session = Session.objects.create(
            event=event,
            title=title,
            starts_at=_at(day, start),
            ends_at=_at(day, end),
            room=room,
            description=description,
            position=position,
        )
        session.speakers.set([speakers[i] for i in who if i < len(speakers)])
    for position, (tier, name, link) in enumerate(PARTNERS):
        Partner.objects.create(event=event, tier=tier, name=name, link=link, position=position)
    # Registrations over the six weeks before the day: more people than seats, so the last
    # ones waited; a few cancelled and the list moved up; most came and were checked in.
    attendees = [p for p in people if p.pk != operator.pk]
    rng.shuffle(attendees)
    moment = datetime(2014, 11, 20, 10, 0, tzinfo=QINGDAO)
    registered = []
    for person in attendees:
        moment += timedelta(minutes=rng.randint(30, 900))
        with time_machine.travel(moment, tick=False):
            registered.append(
                services.event_register(
                    event=event,
                    user=person,
                    badge_name=person.name,
                    organisation=rng.choice(["", "", "heyi community", "Qingdao University"]),
                )
            )
    cancelling = [r for r in registered if r.status == "confirmed"][3:6]
    for registration in cancelling:
        moment += timedelta(hours=rng.randint(2, 20))
        with time_machine.travel(moment, tick=False):
            services.registration_cancel(event=event, user=registration.user)
    checked_in = 0
    door = _at(day, "08:20")
    for registration in event.registrations.filter(status="confirmed").order_by("id"):
        if rng.random() < 0.85:
            door += timedelta(seconds=rng.randint(10, 50))
            with time_machine.travel(door, tick=False):
                services.ticket_check_in(registration=registration, actor=operator)
            checked_in += 1
    return {
        "event sessions": len(PROGRAMME),
        "event speakers": len(speakers),
        "event registrations": len(registered),
        "event check-ins": checked_in,
    }


def _open_day(
    *, operator: Any, people: list[Any], limit: datetime, rng: random.Random
) -> dict[str, int]:
    day = (
        (limit + timedelta(days=45))
        .astimezone(QINGDAO)
        .replace(hour=0, minute=0, second=0, microsecond=0)
    )
    event = Event.objects.create(
        slug=f"open-day-{day:%Y}",
        title=f"heyi Open Day {day:%Y}",
        theme="Bring a wish, leave with a team",
        starts_at=_at(day, "10:00"),
        ends_at=_at(day, "16:00"),
        time_zone="Asia/Shanghai",
        venue_name=VENUE,
        venue_address=VENUE_ADDRESS,
        venue_city="Qingdao",
        venue_map_text="Metro line 2 to Laoshan Bay, exit B.",
        introduction=(
            "A day for anyone curious about the platform: raise a demand on the spot and watch "
            "designers sketch it, meet the ventures that make and deliver, try the open device "
            "interface with our developers, and ask the operators anything about the rules."
        ),
        letter_author=operator.name,
        letter_author_title="Platform operations",
        letter_body=(
            "The symposium of 2015 was for people who run companies. This day is for people who "
            "use what they make. Come with the appliance that annoys you most; we would like to "
            "hear about it."
        ),
        contact_email="openday@heyi.localhost",
        contact_phone="+86 532 8000 0100",
        contact_address=f"{VENUE}, {VENUE_ADDRESS}, Qingdao",
        capacity=120,
        registration_opens_at=limit - timedelta(days=10),
        registration_closes_at=_at(day, "09:00"),
        is_published=True,
    )
    event.staff.add(operator)
    host = Speaker.objects.create(
        event=event,
        name=operator.name,
        title="Platform operations",
        organisation="heyi",
        user=operator,
    )
    sessions = [
        ("Welcome and a tour of the platform", "10:00", "10:30", "Main Hall", (host,)),
        ("Raise a demand, live", "10:45", "12:00", "Room 2 (Seaview)", ()),
        ("Meet the ventures", "13:00", "14:30", "Foyer", ()),
        ("Open device interface: build a small app", "14:30", "15:45", "Room 3 (Harbour)", ()),
    ]
    for position, (title, start, end, room, who) in enumerate(sessions):
        session = Session.objects.create(
            event=event,
            title=title,
            starts_at=_at(day, start),
            ends_at=_at(day, end),
            room=room,
            position=position,
        )
        session.speakers.set(list(who))
    Partner.objects.create(event=event, tier=PartnerTier.MEDIA, name="Harbour Business Weekly")
    # Some residents registered already; the demo's sign-ins (the cast) have not.
    residents = people[8:]
    moment = limit - timedelta(days=9)
    count = 0
    for person in rng.sample(residents, k=min(18, len(residents))):
        moment += timedelta(minutes=rng.randint(20, 600))
        with time_machine.travel(min(moment, limit), tick=False):
            services.event_register(event=event, user=person, badge_name=person.name)
        count += 1
    return {"upcoming event registrations": count}


def demo_events_add(
    *, operator: Any, people: list[Any], limit: datetime, rng: random.Random
) -> dict[str, int]:
    """The 2015 symposium (history) and an open day 45 days after `limit` (registration open).

    `people` are the cast first (operator, user, maker, designer, supplier, investor,
    developer, courier), then the residents.
    """
    counts: dict[str, int] = {"events": 2}
    counts.update(_symposium(operator=operator, people=people, rng=rng))
    counts.update(_open_day(operator=operator, people=people, limit=limit, rng=rng))
    return counts
