"""Page URLs of supply: the catalogue, BOMs, RFQs and a venture's catalogue, RFQs and contracts."""

from django.urls import path

from heyi.supply import views

app_name = "supply"

urlpatterns = [
    path("catalogue/", views.catalogue_list, name="catalogue"),
    path("catalogue/<int:number>/", views.catalogue_item_detail, name="item"),
    path("catalogue/<int:number>/edit/", views.catalogue_item_edit, name="item_edit"),
    path("catalogue/<int:number>/retire/", views.catalogue_item_retire, name="item_retire"),
    path("ventures/<slug:slug>/catalogue/", views.venture_catalogue, name="venture_catalogue"),
    path("ventures/<slug:slug>/rfqs/", views.venture_rfqs, name="venture_rfqs"),
    path("ventures/<slug:slug>/contracts/", views.venture_contracts, name="venture_contracts"),
    path("proposals/<uuid:uid>/bom/", views.proposal_bom, name="proposal_bom"),
    path("bom-lines/<uuid:uid>/remove/", views.bom_line_remove, name="bom_line_remove"),
    path("demands/<int:number>/bom/", views.demand_bom, name="demand_bom"),
    path("demands/<int:number>/rfqs/", views.rfq_open, name="rfq_open"),
    path("rfqs/<int:number>/", views.rfq_detail, name="rfq"),
]
