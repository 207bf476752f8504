"""Page URLs of the designs app."""

app_name = "designs"

urlpatterns: list = []
