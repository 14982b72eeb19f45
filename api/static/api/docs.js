// Starts Swagger UI on the element that names the schema's URL (no inline script). ReDoc is
// not offered: its bundle always loads a logo from Redocly's CDN.
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
      validatorUrl: null, // no call to swagger.io's validator
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
})();
