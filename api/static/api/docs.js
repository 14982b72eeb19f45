// Starts Swagger UI or ReDoc on the element that names the schema's URL (no inline script).
(function () {
  "use strict";

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  var swagger = document.getElementById("swagger-ui");
  if (swagger && window.SwaggerUIBundle) {
    window.SwaggerUIBundle({
      url: swagger.dataset.schemaUrl,
      dom_id: "#swagger-ui",
      deepLinking: true,
      persistAuthorization: false,
      // "Try it out" with the browser's session: Django asks for the CSRF token on writes.
      requestInterceptor: function (request) {
        var method = (request.method || "GET").toUpperCase();
        if (["GET", "HEAD", "OPTIONS"].indexOf(method) === -1) {
          request.headers["X-CSRFToken"] = csrfToken();
        }
        return request;
      },
    });
  }

  var redoc = document.getElementById("redoc");
  if (redoc && window.Redoc) {
    window.Redoc.init(redoc.dataset.schemaUrl, { hideDownloadButton: false }, redoc);
  }
})();
