def list_home(*, user): return {}
