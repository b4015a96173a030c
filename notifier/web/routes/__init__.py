"""The routers `notifier.web.app` includes, one module per audience."""
