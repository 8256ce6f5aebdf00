def current_roles(request):
    return {}
