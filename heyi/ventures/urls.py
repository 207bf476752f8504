"""Page URLs of the ventures app."""

app_name = "ventures"

urlpatterns: list = []
