# syntax=docker/dockerfile:1
# accesswatch: a cgo build (SQLite is compiled in), on a glibc runtime image.

FROM golang:1.26-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=1 GOFLAGS=-trimpath
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# The build context leaves out .git (.dockerignore), so Go cannot record the
# commit: pass it, e.g. --build-arg REVISION=$(git rev-parse HEAD). It shows
# in `accesswatch version` and in accesswatch_build_info{revision}.
ARG REVISION=
RUN go build -ldflags "-s -w -X github.com/accesswatch/accesswatch/internal/buildinfo.version=${VERSION} -X github.com/accesswatch/accesswatch/internal/buildinfo.revision=${REVISION}" \
      -o /out/accesswatch ./cmd/accesswatch \
 && /out/accesswatch version

FROM debian:bookworm-slim
RUN groupadd --system --gid 10001 accesswatch \
 && useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home accesswatch \
 && mkdir -p /data && chown 10001:10001 /data
COPY --from=build /out/accesswatch /usr/local/bin/accesswatch
USER 10001:10001
ENV ACCESSWATCH_ADDR=0.0.0.0:8080 \
    ACCESSWATCH_DB=/data/accesswatch.db
VOLUME /data
EXPOSE 8080
# The binary checks itself: no shell, curl or wget needed in the image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/usr/local/bin/accesswatch", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/accesswatch"]
CMD ["serve"]
