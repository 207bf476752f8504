"""Page URLs of the demands app."""

app_name = "demands"

urlpatterns: list = []
