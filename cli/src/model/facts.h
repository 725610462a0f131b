/* facts.h — ports, images and bundled service names, each stated once. The model's defaults,
 * the writers (values.yaml, docker-compose.yaml) and `aeterna status` read them from here, and
 * cli/tests/facts_test.py checks the chart's values.yaml against them.
 *
 * Ports are plain numbers so that both C (PORT_x) and string concatenation (PORT_x_S) work. */
#ifndef AETERNA_FACTS_H
#define AETERNA_FACTS_H

#define FACT_STR_(x) #x
#define FACT_STR(x) FACT_STR_(x)

/* The Aeterna server */
#define AETERNA_IMAGE "ghcr.io/kikokikok/aeterna:v" AETERNA_SERVER_VERSION
#define PORT_SERVER 8080          /* HTTP API, /health, /ready, /mcp/sse */
#define PORT_METRICS 9090
#define PORT_SERVER_S FACT_STR(PORT_SERVER)
#define PORT_METRICS_S FACT_STR(PORT_METRICS)

/* PostgreSQL */
#define PORT_POSTGRES 5432
#define PORT_POSTGRES_S FACT_STR(PORT_POSTGRES)
#define POSTGRES_IMAGE "postgres:17.6-alpine"

/* The Redis-compatible cache */
#define PORT_CACHE 6379
#define PORT_CACHE_S FACT_STR(PORT_CACHE)
#define DRAGONFLY_IMAGE "docker.dragonflydb.io/dragonflydb/dragonfly:v1.37.0"
#define VALKEY_IMAGE "valkey/valkey:9.0.2-alpine"
#define BUNDLED_DRAGONFLY_HOST "aeterna-dragonfly"
#define BUNDLED_VALKEY_HOST "aeterna-valkey"

/* Vector stores */
#define PORT_QDRANT_HTTP 6333
#define PORT_QDRANT_GRPC 6334
#define PORT_WEAVIATE 8080
#define PORT_WEAVIATE_LOCAL 8081  /* docker-compose publishes Weaviate here (the server has 8080) */
#define PORT_MONGODB 27017
#define PORT_QDRANT_HTTP_S FACT_STR(PORT_QDRANT_HTTP)
#define PORT_QDRANT_GRPC_S FACT_STR(PORT_QDRANT_GRPC)
#define PORT_WEAVIATE_S FACT_STR(PORT_WEAVIATE)
#define PORT_WEAVIATE_LOCAL_S FACT_STR(PORT_WEAVIATE_LOCAL)
#define PORT_MONGODB_S FACT_STR(PORT_MONGODB)
#define QDRANT_IMAGE "qdrant/qdrant:v1.15.4"
#define WEAVIATE_IMAGE "cr.weaviate.io/semitechnologies/weaviate:1.37.6"
#define MONGODB_IMAGE "mongodb/mongodb-atlas-local:8.0"
#define BUNDLED_QDRANT_URL "http://aeterna-qdrant:" PORT_QDRANT_GRPC_S
#define BUNDLED_WEAVIATE_URL "http://aeterna-weaviate:" PORT_WEAVIATE_S
#define BUNDLED_MONGODB_URI "mongodb://aeterna-mongodb:" PORT_MONGODB_S

/* OPAL/Cedar */
#define PORT_OPAL_SERVER 7002
#define PORT_OPAL_SERVER_S FACT_STR(PORT_OPAL_SERVER)
#define PORT_OPAL_FETCHER 8080
#define PORT_OPAL_FETCHER_S FACT_STR(PORT_OPAL_FETCHER)
#define OPAL_SERVER_IMAGE "permitio/opal-server:0.7.5"
#define OPAL_CEDAR_IMAGE "permitio/opal-client-cedar:0.7.5"
#define OPAL_FETCHER_IMAGE "ghcr.io/kikokikok/aeterna-opal-fetcher:v" AETERNA_SERVER_VERSION

#endif
