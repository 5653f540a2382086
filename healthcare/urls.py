from django.urls import path

app_name = "healthcare"
urlpatterns: list[path] = []
