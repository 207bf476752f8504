"""Admin for co-design: operators look up claims, rounds, proposals, votes and selections."""

from django.contrib import admin

from heyi.designs.models import (
    Claim,
    Module,
    Option,
    Proposal,
    ProposalComment,
    ProposalVersion,
    Round,
    Selection,
    VersionPicture,
    Vote,
)


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ["demand", "claimant", "venture", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["demand__title", "claimant__email", "claimant__display_name", "venture__name"]
    raw_id_fields = ["demand", "claimant", "venture"]
    readonly_fields = ["uid", "created_at", "updated_at"]


class ProposalInline(admin.TabularInline):
    model = Proposal
    fields = ("title", "author", "venture", "vote_count", "comment_count", "current_version_number")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["demand", "number", "status", "created_at", "closed_at"]
    list_filter = ["status"]
    search_fields = ["demand__title"]
    raw_id_fields = ["demand"]
    readonly_fields = ["uid", "created_at", "updated_at"]
    inlines = [ProposalInline]


class VersionInline(admin.TabularInline):
    model = ProposalVersion
    fields = ("number", "base_price", "currency", "created_by", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "demand",
        "round",
        "author",
        "venture",
        "current_version_number",
        "vote_count",
        "comment_count",
        "created_at",
    ]
    search_fields = ["title", "demand__title", "author__email", "venture__name"]
    list_filter = ["round__status"]
    raw_id_fields = ["demand", "round", "claim", "author", "venture"]
    readonly_fields = ["uid", "vote_count", "comment_count", "created_at", "updated_at"]
    inlines = [VersionInline]


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0


class PictureInline(admin.TabularInline):
    model = VersionPicture
    fields = ["image", "caption", "position"]
    extra = 0


@admin.register(ProposalVersion)
class ProposalVersionAdmin(admin.ModelAdmin):
    list_display = ["proposal", "number", "base_price", "currency", "created_by", "created_at"]
    search_fields = ["proposal__title", "summary"]
    raw_id_fields = ["proposal", "created_by"]
    readonly_fields = ["uid", "created_at", "updated_at"]
    inlines = [ModuleInline, OptionInline, PictureInline]


@admin.register(VersionPicture)
class VersionPictureAdmin(admin.ModelAdmin):
    list_display = ["version", "caption", "position", "created_at"]
    search_fields = ["version__proposal__title", "caption"]
    raw_id_fields = ["version"]


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["name", "quantity", "version", "position"]
    search_fields = ["name", "description", "version__proposal__title"]
    raw_id_fields = ["version"]


@admin.register(Option)
class OptionAdmin(admin.ModelAdmin):
    list_display = ["group", "value", "price_delta", "is_default", "version"]
    list_filter = ["is_default"]
    search_fields = ["group", "value", "version__proposal__title"]
    raw_id_fields = ["version"]


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ["voter", "proposal", "round", "created_at"]
    search_fields = ["voter__email", "proposal__title"]
    list_filter = ["round__status"]
    raw_id_fields = ["round", "proposal", "voter"]
    date_hierarchy = "created_at"


@admin.register(ProposalComment)
class ProposalCommentAdmin(admin.ModelAdmin):
    list_display = ["author", "proposal", "parent", "created_at"]
    search_fields = ["body", "author__email", "proposal__title"]
    raw_id_fields = ["proposal", "author", "parent"]
    date_hierarchy = "created_at"


@admin.register(Selection)
class SelectionAdmin(admin.ModelAdmin):
    list_display = ["demand", "proposal", "version", "method", "selected_by", "created_at"]
    list_filter = ["method"]
    search_fields = ["demand__title", "proposal__title"]
    raw_id_fields = ["demand", "proposal", "version", "selected_by"]
    readonly_fields = ["uid", "created_at", "updated_at"]
