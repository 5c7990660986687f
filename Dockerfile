# Platypus image: platypus-exporter, platypus-prober and platypus-notifier (docker-compose.yml picks one per service).
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY common ./common
COPY exporter ./exporter
COPY prober ./prober
COPY notifier ./notifier
COPY maintenance ./maintenance
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
# ping for the icmp prober (setuid-free: it uses ICMP datagram sockets when the host allows them);
# fonts for the notifier's graph labels.
RUN apt-get update \
  && apt-get install -y --no-install-recommends iputils-ping fonts-dejavu-core \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
RUN ln -s /app/dist/exporter/cli.js /usr/local/bin/platypus-exporter \
  && ln -s /app/dist/prober/cli.js /usr/local/bin/platypus-prober \
  && ln -s /app/dist/notifier/cli.js /usr/local/bin/platypus-notifier \
  && ln -s /app/dist/maintenance/cli.js /usr/local/bin/platypus-maintenance \
  && chmod 755 /app/dist/exporter/cli.js /app/dist/prober/cli.js /app/dist/notifier/cli.js /app/dist/maintenance/cli.js
ENV NODE_ENV=production
USER node
EXPOSE 9100 9115 9097
CMD ["platypus-prober"]
