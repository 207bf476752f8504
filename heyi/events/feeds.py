"""The Atom feed of platform news (the live feed), through Django's syndication framework."""

from __future__ import annotations

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from heyi.events.selectors import FeedItem, feed_list


class PlatformNewsFeed(Feed[FeedItem, None]):
    feed_type = Atom1Feed
    title = _("heyi: platform news")
    subtitle = _("New demands, awards, deliveries and new ventures on heyi.")
    link = "/feed/"
    feed_url = "/feed.atom"

    def items(self) -> list[FeedItem]:
        return feed_list(limit=50)

    def item_title(self, item: FeedItem) -> str:
        return item.text

    def item_description(self, item: FeedItem) -> str:
        return item.text

    def item_link(self, item: FeedItem) -> str:
        return item.url

    def item_guid(self, item: FeedItem) -> str:
        return f"urn:uuid:{item.uid}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: FeedItem) -> datetime:
        return item.occurred_at

    def item_updateddate(self, item: FeedItem) -> datetime:
        return item.occurred_at
