# Shoal server image: build the TypeScript once, ship the compiled server with its runtime
# dependencies only. `docker compose up` (docker-compose.yml) runs a 6-node cluster from it.

FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY conf ./conf
RUN mkdir -p /data && chown node:node /data
USER node
WORKDIR /data
EXPOSE 6379 16379
# Inside a container clients arrive from outside loopback: listen everywhere, no protected mode.
CMD ["node", "/app/bin/shoal-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--dir", "/data"]
