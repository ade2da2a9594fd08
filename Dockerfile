# rampart in a container: docker build -t rampart . && docker run --rm rampart scan https://api.example.com
# The build stage compiles the CLI; the final image holds the binary, CA
# certificates and a non-root user, nothing else. Scan history goes to the
# user's home (mount a volume at /home/rampart to keep it).
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p rampart-cli \
    && strip target/release/rampart

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --create-home --home-dir /home/rampart rampart
COPY --from=build /src/target/release/rampart /usr/local/bin/rampart
USER rampart
WORKDIR /home/rampart
ENTRYPOINT ["rampart"]
CMD ["--help"]
