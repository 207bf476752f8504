"""Admin for demands: operators read everything; status moves only through the services."""

from django.contrib import admin

from heyi.demands.models import (
    Comment,
    Demand,
    DemandPicture,
    Fan,
    StatusChange,
    Support,
    Tag,
)


class DemandPictureInline(admin.TabularInline):
    model = DemandPicture
    extra = 0
    fields = ["image", "caption", "position"]


class StatusChangeInline(admin.TabularInline):
    """The public history is append-only: shown, never edited here."""

    model = StatusChange
    extra = 0
    fields = ("changed_at", "from_status", "to_status", "reason", "actor")
    readonly_fields = ("changed_at", "from_status", "to_status", "reason", "actor")
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Demand)
class DemandAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "title",
        "status",
        "category",
        "author",
        "support_count",
        "fan_count",
        "comment_count",
        "created_at",
    ]
    list_filter = ["status", "category", "selection_mode"]
    search_fields = ["=number", "title", "description", "author__email", "search_tags"]
    date_hierarchy = "created_at"
    # Only the author edits a demand and the status moves only through the services, which keep
    # the history, the search columns and the trace: here operators read, and may remove a
    # picture.
    readonly_fields = [
        "number",
        "title",
        "description",
        "category",
        "tags",
        "author",
        "selection_mode",
        "uid",
        "status",
        "status_reason",
        "status_changed_at",
        "fan_count",
        "support_count",
        "comment_count",
        "created_at",
        "updated_at",
    ]
    inlines = [DemandPictureInline, StatusChangeInline]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(DemandPicture)
class DemandPictureAdmin(admin.ModelAdmin):
    list_display = ["demand", "caption", "position", "created_at"]
    search_fields = ["demand__title", "caption"]
    raw_id_fields = ["demand"]


@admin.register(Fan)
class FanAdmin(admin.ModelAdmin):
    list_display = ["demand", "user", "created_at"]
    search_fields = ["demand__title", "user__email"]
    raw_id_fields = ["demand", "user"]


@admin.register(Support)
class SupportAdmin(admin.ModelAdmin):
    list_display = ["demand", "user", "note", "created_at"]
    search_fields = ["demand__title", "user__email", "note"]
    raw_id_fields = ["demand", "user"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["demand", "author", "body", "parent", "created_at"]
    search_fields = ["body", "author__email", "demand__title"]
    list_filter = ["created_at"]
    raw_id_fields = ["demand", "author", "parent"]


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["demand", "from_status", "to_status", "actor", "changed_at"]
    list_filter = ["to_status"]
    search_fields = ["demand__title", "reason"]
    readonly_fields = ["demand", "from_status", "to_status", "reason", "actor", "changed_at"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
