"""Page URLs of the win-win value-added statements (included by value/urls.py)."""

from django.urls import path

from heyi.value import statement_views

urlpatterns: list = [
    path(
        "ventures/<str:slug>/statements/",
        statement_views.venture_statements,
        name="venture_statements",
    ),
    path(
        "ventures/<str:slug>/statements.csv",
        statement_views.venture_statements_csv,
        name="venture_statements_csv",
    ),
    path("statements/", statement_views.platform_statements, name="platform_statements"),
    path("statements.csv", statement_views.platform_statements_csv, name="platform_statements_csv"),
]
