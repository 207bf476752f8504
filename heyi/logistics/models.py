"""Models of logistics: distribution centres, stations and the record of each network build."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from heyi.core.models import BaseModel
from heyi.logistics.network_core import share


class NetworkSite(BaseModel):
    """A place of the network: a distribution centre or a station, at a populated place."""

    name = models.CharField(_("name"), max_length=200)
    geonameid = models.PositiveIntegerField(_("GeoNames id"), db_index=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class DistributionCentre(NetworkSite):
    """A distribution centre, in one of the largest cities."""

    population = models.PositiveBigIntegerField(_("population of its city"), default=0)

    class Meta(NetworkSite.Meta):
        verbose_name = _("distribution centre")
        verbose_name_plural = _("distribution centres")


class Station(NetworkSite):
    """A station: every populated place lies within the build's radius of one."""

    places_served = models.PositiveIntegerField(_("places served"), default=0)
    population_served = models.PositiveBigIntegerField(_("population served"), default=0)

    class Meta(NetworkSite.Meta):
        verbose_name = _("station")
        verbose_name_plural = _("stations")


class NetworkBuild(BaseModel):
    """One computation of the network: its parameters, the solver's figures and the coverage."""

    min_population = models.PositiveIntegerField(_("minimum population of a place"))
    centres_requested = models.PositiveIntegerField(_("centres requested"))
    radius_km = models.FloatField(_("radius (km)"))
    time_limit_seconds = models.FloatField(_("time limit (s)"))
    places = models.PositiveIntegerField(_("places"))
    centres = models.PositiveIntegerField(_("centres"))
    stations = models.PositiveIntegerField(_("stations"))
    objective = models.PositiveIntegerField(_("objective"), null=True, blank=True)
    bound = models.FloatField(_("proven lower bound"), null=True, blank=True)
    gap = models.FloatField(_("optimality gap"), null=True, blank=True)
    status = models.CharField(_("solver status"), max_length=40)
    seconds = models.FloatField(_("seconds"))
    places_covered = models.PositiveIntegerField(_("places covered"))
    population = models.PositiveBigIntegerField(_("population"))
    population_covered = models.PositiveBigIntegerField(_("population covered"))
    farthest_place = models.CharField(_("farthest place"), max_length=200, blank=True)
    farthest_km = models.FloatField(_("farthest distance (km)"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("network build")
        verbose_name_plural = _("network builds")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.stations} stations"

    @property
    def gap_percent(self) -> float | None:
        return None if self.gap is None else self.gap * 100

    @property
    def place_share(self) -> float:
        return share(self.places_covered, self.places)

    @property
    def population_share(self) -> float:
        return share(self.population_covered, self.population)
