/*
 * Evolution's own Autoconfig lookup, run on one address and reduced to the servers it ends on.
 * Built and run by scripts/clients/evolution-lookup.sh (see EVOLUTION.md beside it).
 *
 *   evolution-lookup ADDRESS
 *
 * Calls e_mail_autoconfig_new_sync() from Evolution's libevolution-mail (Debian package
 * libevolution; upstream src/mail/e-mail-autoconfig.c) with a real ESourceRegistry (so a D-Bus
 * session bus with evolution-source-registry must be reachable), then applies the result to
 * scratch ESources exactly as the account wizard does (e_mail_autoconfig_set_imap_details() and
 * friends, the functions behind EConfigLookupResult.configure_source) and reads back the
 * CamelNetworkSettings they wrote. Prints one JSON object:
 *
 *   {"imap":{"host":…,"port":…,"security":…,"user":…,"auth":…}|null,"pop3":…,"smtp":…}
 *
 * Exit status: 0 with the JSON, 1 when the lookup failed (message on stderr), 2 on bad usage or a
 * broken installation.
 *
 * No development headers: Debian ships EMailAutoconfig's header only in evolution-dev, which pulls
 * in some 200 packages (GTK 4, WebKit, …). The few functions used here take and return pointers,
 * so they are declared by hand below (signatures of Evolution / evolution-data-server 3.46) and
 * the shared objects are linked by file name. gcc and libc6-dev are all the build needs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int gboolean;
typedef unsigned int guint;
typedef unsigned long GType;
typedef struct {
	unsigned int domain;
	int code;
	char *message;
} GError;
typedef struct {
	int value;
	const char *value_name;
	const char *value_nick;
} GEnumValue;
typedef void GObject;

/* GLib / GObject */
extern void g_object_unref (void *object);
extern void g_object_get (void *object, const char *first_property_name, ...);
extern void g_free (void *mem);
extern void g_error_free (GError *error);
extern void *g_type_class_ref (GType type);
extern GEnumValue *g_enum_get_value (void *enum_class, int value);

/* libcamel-1.2 */
extern GType camel_network_security_method_get_type (void);

/* libedataserver-1.2 */
extern GObject *e_source_registry_new_sync (void *cancellable, GError **error);
extern GObject *e_source_new (void *dbus_object, void *main_context, GError **error);
extern void *e_source_get_extension (GObject *source, const char *extension_name);
extern const char *e_source_camel_get_extension_name (const char *backend_name);
extern GObject *e_source_camel_get_settings (void *camel_extension);
extern void e_source_camel_register_types (void);
extern const char *e_source_backend_get_backend_name (void *backend_extension);

/* libevolution-mail (Evolution 3.46: src/mail/e-mail-autoconfig.h) */
extern GObject *e_mail_autoconfig_new_sync (GObject *registry, const char *email_address, const char *use_domain,
                                            void *cancellable, GError **error);
extern gboolean e_mail_autoconfig_set_imap_details (GObject *autoconfig, GObject *source);
extern gboolean e_mail_autoconfig_set_pop3_details (GObject *autoconfig, GObject *source);
extern gboolean e_mail_autoconfig_set_smtp_details (GObject *autoconfig, GObject *source);

/* E_SOURCE_EXTENSION_MAIL_ACCOUNT, E_SOURCE_EXTENSION_MAIL_TRANSPORT */
#define MAIL_ACCOUNT "Mail Account"
#define MAIL_TRANSPORT "Mail Transport"

static void
print_json_string (const char *value)
{
	const unsigned char *p;

	if (value == NULL) {
		fputs ("null", stdout);
		return;
	}
	putchar ('"');
	for (p = (const unsigned char *) value; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf ("\\%c", *p);
		else if (*p < 0x20)
			printf ("\\u%04x", *p);
		else
			putchar (*p);
	}
	putchar ('"');
}

/* One server type: a scratch ESource, Evolution's set_*_details on it, its Camel settings read back. */
static void
print_server (const char *key,
              GObject *autoconfig,
              gboolean (*set_details) (GObject *, GObject *),
              const char *extension_name,
              void *security_class)
{
	GError *error = NULL;
	GObject *source;
	GObject *settings;
	const char *backend;
	char *host = NULL, *user = NULL, *auth = NULL;
	guint port = 0;
	int security = 0;
	GEnumValue *security_value;

	printf ("\"%s\":", key);
	source = e_source_new (NULL, NULL, &error);
	if (source == NULL) {
		fprintf (stderr, "evolution-lookup: e_source_new: %s\n", error->message);
		exit (2);
	}
	/* Creates the (empty) backend extension set_details fills in. */
	(void) e_source_get_extension (source, extension_name);
	if (!set_details (autoconfig, source)) {
		fputs ("null", stdout);
		g_object_unref (source);
		return;
	}
	backend = e_source_backend_get_backend_name (e_source_get_extension (source, extension_name));
	settings = e_source_camel_get_settings (e_source_get_extension (source, e_source_camel_get_extension_name (backend)));
	g_object_get (settings, "host", &host, "port", &port, "security-method", &security, "user", &user, "auth-mechanism", &auth, NULL);
	security_value = g_enum_get_value (security_class, security);

	fputs ("{\"backend\":", stdout);
	print_json_string (backend);
	fputs (",\"host\":", stdout);
	print_json_string (host);
	printf (",\"port\":%u,\"security\":", port);
	print_json_string (security_value != NULL ? security_value->value_nick : NULL);
	fputs (",\"user\":", stdout);
	print_json_string (user);
	fputs (",\"auth\":", stdout);
	print_json_string (auth);
	putchar ('}');

	g_free (host);
	g_free (user);
	g_free (auth);
	g_object_unref (source);
}

int
main (int argc, char **argv)
{
	GError *error = NULL;
	GObject *registry;
	GObject *autoconfig;
	void *security_class;

	if (argc != 2 || strchr (argv[1], '@') == NULL) {
		fprintf (stderr, "usage: %s ADDRESS\n", argv[0]);
		return 2;
	}

	/* ESourceCamel subclasses ("Imapx Backend", "Smtp Backend", …), one per installed Camel provider. */
	e_source_camel_register_types ();
	security_class = g_type_class_ref (camel_network_security_method_get_type ());

	registry = e_source_registry_new_sync (NULL, &error);
	if (registry == NULL) {
		fprintf (stderr, "evolution-lookup: e_source_registry_new_sync: %s\n", error->message);
		g_error_free (error);
		return 2;
	}

	autoconfig = e_mail_autoconfig_new_sync (registry, argv[1], NULL, NULL, &error);
	if (autoconfig == NULL) {
		fprintf (stderr, "evolution-lookup: e_mail_autoconfig_new_sync: %s\n", error != NULL ? error->message : "(no error)");
		if (error != NULL)
			g_error_free (error);
		g_object_unref (registry);
		return 1;
	}

	putchar ('{');
	print_server ("imap", autoconfig, e_mail_autoconfig_set_imap_details, MAIL_ACCOUNT, security_class);
	putchar (',');
	print_server ("pop3", autoconfig, e_mail_autoconfig_set_pop3_details, MAIL_ACCOUNT, security_class);
	putchar (',');
	print_server ("smtp", autoconfig, e_mail_autoconfig_set_smtp_details, MAIL_TRANSPORT, security_class);
	puts ("}");

	g_object_unref (autoconfig);
	g_object_unref (registry);
	return 0;
}
