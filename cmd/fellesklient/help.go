package main

import (
	"flag"
	"fmt"
)

// help is a subcommand's --help beyond its flags: what it does, its arguments, the
// environment it reads and an example. Every leaf command has one (TestEveryHelp).
type help struct {
	synopsis, purpose, env, example string
}

const (
	envFIKS = `  FIKS_INTEGRASJON_ID, FIKS_INTEGRASJON_PASSORD  the Fiks-integrasjon (required)
  MASKINPORTEN_TOKEN  a token with scope ks:fiks (otherwise the maskinporten flags fetch one)
  the variable --p12-password-env names, with a .p12 --key`
	envNone    = "  none"
	envP12Only = "  the variable --p12-password-env names (the .p12's password), if the key is a .p12"
)

// helps are the commands whose help is not set where they parse their flags (fiksioUsage).
var helps = map[string]help{
	"fellesklient id": {"fellesklient id [--json] VALUE...",
		"Say what each value is (fødselsnummer, D-nummer, H-nummer, synthetic, organisasjonsnummer) and whether it is valid,\nmasked to the birth date. Exit 0 when all are valid, 1 when any is not.",
		envNone, "fellesklient id 13097248022 974760673"},
	"fellesklient kryptering encrypt": {"fellesklient kryptering encrypt --cert FILE [--cert FILE]... [--out FILE] < IN",
		"Encrypt stdin to the recipients' certificates as CMS (KS's profile: AES-256-CBC, RSA-OAEP-SHA256), streaming, to stdout.",
		envNone, "fellesklient kryptering encrypt --cert svarut.pem < brev.pdf > brev.cms"},
	"fellesklient kryptering decrypt": {"fellesklient kryptering decrypt --key FILE [--p12-password-env VAR] [--out FILE] < IN",
		"Decrypt CMS from stdin with a private key, streaming. With --out FILE the plaintext appears only when the whole\nmessage decrypted and checked; to stdout, discard what it wrote when it fails (exit 1). Binary output to a\nterminal needs --force.",
		envP12Only, "fellesklient kryptering decrypt --key mottaker.p12 --p12-password-env P12_PW --out brev.pdf < brev.cms"},
	"fellesklient maskinporten token": {"fellesklient maskinporten token --issuer test|prod|URL --client-id ID --scope \"A B\" --key FILE [--raw]",
		"Get an access token with the JWT-bearer grant and print it as JSON (access_token, token_type, expires_in, scope), or\nonly the token with --raw (export MASKINPORTEN_TOKEN=$(...)).",
		envP12Only + "\n  the variable --token-cache-key-env names, with --token-cache-redis",
		"fellesklient maskinporten token --issuer test --client-id $CLIENT --scope ks:fiks --key virksomhet.p12 --p12-password-env P12_PW --raw"},
	"fellesklient maskinporten metadata": {"fellesklient maskinporten metadata [--issuer test|prod|URL] [--json]",
		"Show Maskinporten's authorization server metadata (issuer, token endpoint, JWKS). Needs no credentials.",
		envNone, "fellesklient maskinporten metadata --issuer prod --json"},
	"fellesklient svarut send": {"fellesklient svarut send --konto ID --tittel T (--mottaker-fnr F | --mottaker-orgnr O) --mottaker-navn N [--adresse L --postnummer NR --poststed S | --kun-digital] [--json] FILE...",
		"Send FILE... as one forsendelse, exactly once (a lost answer is looked up by its eksternReferanse before anything is\nsent again). Prints the forsendelse id.",
		envFIKS, "fellesklient svarut send --konto $KONTO --tittel Vedtak --mottaker-fnr 13097248022 --mottaker-navn \"Kari Nordmann\" --kun-digital vedtak.pdf"},
	"fellesklient svarut status": {"fellesklient svarut status --konto ID [--json] FORSENDELSE-ID...",
		"Show the status of forsendelser (one line each; JSON Lines with --json).",
		envFIKS, "fellesklient svarut status --konto $KONTO 6a78d740-d5a7-45ee-a6e6-7a7a5b80d268"},
	"fellesklient svarinn receive": {"fellesklient svarinn receive --dir DIR --key FILE [--once] [--json]",
		"Receive every waiting forsendelse: download, decrypt, check, store in DIR/<id>/ and only then acknowledge it.",
		"  SVARINN_BRUKER, SVARINN_PASSORD  the mottakersystem's id and servicepassord (required)\n" + envP12Only,
		"SVARINN_BRUKER=$SYS SVARINN_PASSORD=$PW fellesklient svarinn receive --dir inn/ --key mottaker.pem"},
	"fellesklient folkeregister person": {"fellesklient folkeregister person FNR --rolle ROLLE [--parts a,b] [--show-identifiers] [--json] [--raw]",
		"Look a person up in Fiks Folkeregister: status, death, address protection, addresses, relations (masked unless\n--show-identifiers); --raw prints the document as received.",
		envFIKS, "fellesklient folkeregister person 13097248022 --rolle $ROLLE --parts person-basis,relasjon-utvidet"},
	"fellesklient einnsyn search": {"fellesklient einnsyn search QUERY [--max N] [--entity E]... [--json]",
		"Search eInnsyn, following every page (JSON Lines with --json: id, entity, tittel, objekt).",
		"  EINNSYN_API_KEY  an API key (optional: the public needs none)", "fellesklient einnsyn search reguleringsplan --max 50 --json"},
	"fellesklient einnsyn get": {"fellesklient einnsyn get ID [--expand FIELD]... [--json]",
		"Show one eInnsyn object by its id.", "  EINNSYN_API_KEY  an API key (optional)", "fellesklient einnsyn get jp_01jh532p3ve6haq7n53xgpqayh --expand saksmappe"},
	"fellesklient noark5 validate": {"fellesklient noark5 validate [--versjon 5.0|4.0|3.1] [--schemas[=DIR]] [--json] PATH",
		"Validate a Noark 5 extraction file or a package folder in Go (the official XSD's verdict) and say which version it\nwas judged by (a package: the arkivstruktur.xsd it carries; a file: the first of 5.0, 4.0, 3.1 it is valid in); with\n--schemas also with xmllint against the official v5.0 XSDs the module carries (--schemas=DIR: those in DIR). Exit 0\nwhen valid, 1 with every problem when not.",
		envNone, "fellesklient noark5 validate avlevering/"},
	"fellesklient fake": {"fellesklient fake [--port-base N] [--state DIR] [--fiksio] [--json]",
		"Run every fake (Maskinporten, the FIKS API with Folkeregister, Min side, eDialog and DigiSos, SvarUt/SvarInn,\neInnsyn; with --fiksio FIKS IO and a reference Fiks Arkiv archive) on loopback with plain http until Ctrl-C or\nSIGTERM, for integration tests in any language. Prints the base URLs and test credentials (one JSON object on the\nfirst line with --json) and writes the keys and an env.sh.",
		envNone, "fellesklient fake --port-base 7700 --state .fake --json"},
	"fellesklient noark5 summary": {"fellesklient noark5 summary [--json] PATH",
		"Count the element types of an extraction file and give its date span.", envNone, "fellesklient noark5 summary avlevering/arkivstruktur.xml"},
	"fellesklient noark5 demo-uttrekk": {"fellesklient noark5 demo-uttrekk --registreringer N --out DIR [--schemas DIR] [--force]",
		"Write a synthetic deposit package (arkivstruktur, endringslogg, journals, arkivuttrekk.xml, documents and the\nofficial XSDs) for load tests and demos.",
		envNone, "fellesklient noark5 demo-uttrekk --registreringer 100000 --out avlevering"},
}

// setHelp gives fs the help of the command named name, if helps has one.
func setHelp(fs *flag.FlagSet, e *env, name string) {
	h, ok := helps[name]
	if !ok {
		return
	}
	fs.Usage = func() { printUsage(e, fs, h) }
}

func printUsage(e *env, fs *flag.FlagSet, h help) {
	fmt.Fprintf(e.stderr, "usage: %s\n\n%s\n\nFlags:\n", h.synopsis, h.purpose)
	fs.PrintDefaults()
	fmt.Fprintf(e.stderr, "\nEnvironment:\n%s\n\nExample:\n  %s\n", h.env, h.example)
}
