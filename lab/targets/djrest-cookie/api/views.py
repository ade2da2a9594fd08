"""The app's own views, both variants: the site root, a public health check and the protected
/api/me/. The authentication views are dj-rest-auth's (urls.py)."""
from django.http import JsonResponse
from django.views.decorators.http import require_safe
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView


@require_safe
def index(request):
    return JsonResponse({"service": "djrest-cookie", "api": "/api/"})


def not_found(request, exception):
    """handler404: JSON, like every other answer."""
    return JsonResponse({"detail": "Not found."}, status=404)


@api_view(["GET"])
@authentication_classes([])  # public: a stale or foreign bearer token is ignored here, not refused
@permission_classes([AllowAny])
def health(request):
    return Response({"status": "ok"})


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        user = request.user
        return Response({"id": user.pk, "username": user.username, "name": user.get_full_name()})
