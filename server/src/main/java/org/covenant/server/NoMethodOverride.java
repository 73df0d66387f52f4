package org.covenant.server;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Hides the method-override headers ({@code X-HTTP-Method-Override}, {@code X-HTTP-Method},
 * {@code X-Method-Override}) from the router: Javalin would otherwise route a GET carrying
 * {@code X-HTTP-Method-Override: DELETE} as a DELETE, and a link or an image tag could revoke a
 * token. The method is the request line's, always.
 */
final class NoMethodOverride implements Filter {
  private static final Set<String> HIDDEN = Set.of("x-http-method-override", "x-http-method",
      "x-method-override");

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (request instanceof HttpServletRequest http) {
      chain.doFilter(new HttpServletRequestWrapper(http) {
        @Override
        public String getHeader(String name) {
          return hidden(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
          return hidden(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
          List<String> names = Collections.list(super.getHeaderNames());
          names.removeIf(NoMethodOverride::hidden);
          return Collections.enumeration(names);
        }
      }, response);
      return;
    }
    chain.doFilter(request, response);
  }

  private static boolean hidden(String name) {
    return name != null && HIDDEN.contains(name.toLowerCase(Locale.ROOT));
  }
}
