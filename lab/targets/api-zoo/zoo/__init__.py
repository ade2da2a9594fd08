"""Code both api-zoo variants share: the in-memory data set (data), a capped URL
fetcher (fetch) and the deterministic chatbots (chatbot). The variants themselves
live in ../vulnerable/app.py and ../fixed/app.py; each is a FastAPI app of its own."""
