/**
 * The REST API of Covenant (ARCHITECTURE.md §1 {@code server}): Javalin 7 on Jetty 12, API tokens
 * and tenancy, decisions with fail-closed freshness, the transparency report, the log's
 * tlog-tiles routes, health and Prometheus metrics. The CLI composes it ({@code covenant serve}).
 */
package org.covenant.server;
