"""Domain errors map to HTTP responses in one place."""

from django.http import Http404

from victimjourney.core.errors import NotFound


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            # A case the user may not see answers exactly like one that does not exist.
            raise Http404("Not found") from None
        return None
