"""Models of logistics: distribution centres, stations and the record of each network build."""

from __future__ import annotations

from django.conf import settings
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


# --- stock, shipments and compensations --------------------------------------------------------


class Stock(BaseModel):
    """Units of a standard product held at a centre; `reserved` of them promised to orders.

    Reserved with one conditional UPDATE (services.stock_reserve), so two orders never take the
    same unit; shipped units leave `on_hand` and `reserved` together.
    """

    centre = models.ForeignKey(DistributionCentre, on_delete=models.PROTECT, related_name="stock")
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="stock")
    on_hand = models.PositiveIntegerField(_("on hand"), default=0)
    reserved = models.PositiveIntegerField(_("reserved"), default=0)

    class Meta:
        ordering = ["centre__name", "product__name", "id"]
        verbose_name = _("stock")
        verbose_name_plural = _("stock")
        constraints = [
            models.UniqueConstraint(fields=["centre", "product"], name="logistics_stock_unique"),
            models.CheckConstraint(
                condition=models.Q(reserved__lte=models.F("on_hand")),
                name="logistics_stock_reserved_within_on_hand",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} @ {self.centre}: {self.on_hand - self.reserved} free"

    @property
    def free(self) -> int:
        return self.on_hand - self.reserved


class Shipment(BaseModel):
    """How one order reaches its user: the centre, the station, the promise and each step."""

    order = models.OneToOneField("orders.Order", on_delete=models.CASCADE, related_name="shipment")
    # The order holds the fulfilment (stock or made to order) and the promise made at checkout.
    centre = models.ForeignKey(
        DistributionCentre, on_delete=models.PROTECT, related_name="shipments", null=True
    )
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="shipments")
    # Great-circle km from the station to the delivery point, and from the centre to the station.
    station_km = models.FloatField(_("km from the station"))
    centre_km = models.FloatField(_("km from the centre"), null=True, blank=True)
    # The stock row units were reserved on (stock fulfilment), and how many.
    stock = models.ForeignKey(
        Stock, on_delete=models.PROTECT, related_name="shipments", null=True, blank=True
    )
    reserved_quantity = models.PositiveIntegerField(default=0)
    volume_litres = models.PositiveIntegerField(_("volume (litres)"))
    weight_kg = models.PositiveIntegerField(_("weight (kg)"))
    left_centre_at = models.DateTimeField(_("left the centre"), null=True, blank=True)
    at_station_at = models.DateTimeField(_("at the station"), null=True, blank=True)
    out_for_delivery_at = models.DateTimeField(_("out for delivery"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    # The one-time proof-of-delivery code the user gives the driver; spent on delivery.
    delivery_code = models.CharField(_("delivery code"), max_length=6)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    code_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        indexes = [models.Index(fields=["station", "delivered_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stock__isnull=True, reserved_quantity=0)
                | models.Q(stock__isnull=False, reserved_quantity__gte=1),
                name="logistics_shipment_stock_reserved",
            )
        ]

    def __str__(self) -> str:
        return f"Shipment of order {self.order_id} via {self.station}"


class FaultUnit(models.TextChoices):
    MAKER = "maker", _("The maker venture")
    DELIVERY = "delivery", _("The delivery venture")
    STATION = "station", _("The station")
    CENTRE = "centre", _("The distribution centre")


class Compensation(BaseModel):
    """What a user is owed for a missed promise, and the unit it is charged to.

    Recorded once per order by the missed-promise sweep; the ledger (issue 6) posts the money.
    """

    order = models.OneToOneField(
        "orders.Order", on_delete=models.PROTECT, related_name="compensation"
    )
    shipment = models.ForeignKey(
        Shipment, on_delete=models.PROTECT, related_name="compensations", null=True, blank=True
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    promised_at = models.DateTimeField(_("promised delivery"))
    detected_at = models.DateTimeField(_("detected at"))
    fault = models.CharField(_("charged to"), max_length=20, choices=FaultUnit.choices)
    venture = models.ForeignKey(
        "ventures.Venture",
        on_delete=models.PROTECT,
        related_name="compensations_charged",
        null=True,
        blank=True,
    )
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    centre = models.ForeignKey(
        DistributionCentre, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    rule = models.CharField(_("rule applied"), max_length=300)
    reason = models.CharField(_("reason"), max_length=500)

    class Meta:
        ordering = ["-detected_at", "-id"]
        verbose_name = _("compensation")
        verbose_name_plural = _("compensations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="logistics_compensation_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} for order {self.order_id}"


# --- route planning ----------------------------------------------------------------------------


class RoutePlanStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DISPATCHED = "dispatched", _("Dispatched")
    DONE = "done", _("Done")


class RoutePlan(BaseModel):
    """One station's wave on one date, planned into vehicle routes by the solver."""

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="route_plans")
    date = models.DateField(_("date"))
    wave = models.CharField(_("wave"), max_length=20)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RoutePlanStatus.choices,
        default=RoutePlanStatus.PLANNED,
    )
    stops = models.PositiveIntegerField(_("stops"))
    vehicles = models.PositiveIntegerField(_("vehicles"))
    distance_m = models.PositiveIntegerField(_("distance (m)"))
    seconds = models.FloatField(_("solver seconds"))
    objective = models.CharField(_("objective"), max_length=20)
    notes = models.TextField(_("solver notes"), blank=True)
    # When the background sweep planned the wave again with a longer budget (once per plan).
    improved_at = models.DateTimeField(_("improved at"), null=True, blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-date", "station__name", "wave", "id"]
        verbose_name = _("route plan")
        verbose_name_plural = _("route plans")
        constraints = [
            models.UniqueConstraint(
                fields=["station", "date", "wave"], name="logistics_route_plan_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.station} {self.date} {self.wave}"

    @property
    def distance_km(self) -> float:
        return self.distance_m / 1000

    @property
    def is_open(self) -> bool:
        """Every route still only planned (none tendered, assigned or out): it may be replanned.
        Reads the prefetched routes where the page prefetched them."""
        return all(route.status == RouteStatus.PLANNED for route in self.routes.all())


class RouteStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    TENDERED = "tendered", _("Open to delivery ventures")
    ASSIGNED = "assigned", _("Assigned")
    OUT = "out", _("Out for delivery")
    DONE = "done", _("Done")


class Route(BaseModel):
    """One vehicle's tour from the station and back, driven by a delivery venture."""

    plan = models.ForeignKey(RoutePlan, on_delete=models.CASCADE, related_name="routes")
    number = models.PositiveSmallIntegerField(_("route number"))
    vehicle = models.CharField(_("vehicle"), max_length=60)
    capacity_volume_litres = models.PositiveIntegerField(_("capacity (litres)"))
    capacity_weight_kg = models.PositiveIntegerField(_("capacity (kg)"))
    starts_at = models.DateTimeField(_("leaves the station"))
    ends_at = models.DateTimeField(_("back at the station"))
    distance_m = models.PositiveIntegerField(_("distance (m)"))
    load_volume_litres = models.PositiveIntegerField(_("load (litres)"))
    load_weight_kg = models.PositiveIntegerField(_("load (kg)"))
    status = models.CharField(
        _("status"), max_length=20, choices=RouteStatus.choices, default=RouteStatus.PLANNED
    )
    venture = models.ForeignKey(
        "ventures.Venture",
        on_delete=models.PROTECT,
        related_name="delivery_routes",
        null=True,
        blank=True,
    )
    driver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set when the route is put out to tender on the contention engine.
    tender_uid = models.UUIDField(null=True, blank=True)
    fee = models.DecimalField(_("fee"), max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("route")
        verbose_name_plural = _("routes")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="logistics_route_number")
        ]

    def __str__(self) -> str:
        return f"{self.plan} route {self.number}"

    @property
    def distance_km(self) -> float:
        return self.distance_m / 1000


class RouteStop(BaseModel):
    """A shipment's place in a route: its order, its time window and the planned arrival."""

    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="stops")
    shipment = models.ForeignKey(Shipment, on_delete=models.PROTECT, related_name="route_stops")
    position = models.PositiveSmallIntegerField(_("position"))
    window_start = models.DateTimeField(_("window opens"))
    window_end = models.DateTimeField(_("window closes"))
    planned_arrival = models.DateTimeField(_("planned arrival"))
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        ordering = ["route", "position"]
        verbose_name = _("route stop")
        verbose_name_plural = _("route stops")
        constraints = [
            models.UniqueConstraint(
                fields=["route", "position"], name="logistics_route_stop_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.route} #{self.position}"
