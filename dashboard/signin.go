package dashboard

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/service"
)

// Before sign-in there is no session to tie a CSRF token to, so the sign-in
// forms carry the token of a short-lived random cookie instead (login
// CSRF: another site cannot sign a browser in to an account of its own).

type signInData struct {
	Email, Next, Error string
	// LinkToken is the one-time link's token (the link page's form).
	LinkToken string
}

func (d *Dashboard) preSignIn(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(d.preCookie()); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	v := base64.RawURLEncoding.EncodeToString(b)
	d.setCookie(w, d.preCookie(), v, time.Now().Add(time.Hour))
	return v
}

func (d *Dashboard) preSignInOK(r *http.Request) bool {
	c, err := r.Cookie(d.preCookie())
	return err == nil && csrfOK(r, c.Value)
}

// safeNext keeps a post-sign-in destination on this dashboard.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/"
	}
	return next
}

func (d *Dashboard) signInForm(w http.ResponseWriter, r *http.Request) {
	d.renderSignIn(w, r, http.StatusOK, "signin.html", signInData{Next: safeNext(r.URL.Query().Get("next"))})
}

func (d *Dashboard) renderSignIn(w http.ResponseWriter, r *http.Request, status int, page string, data signInData) {
	d.renderView(w, r, status, page, view{Title: "Sign in", CSRF: csrfToken(d.preSignIn(w, r)), Data: data})
}

// throttled spends one sign-in attempt of each key's budget; false (and a
// 429 page) when one is spent.
func (d *Dashboard) throttled(w http.ResponseWriter, r *http.Request, page string, data signInData, keys ...string) bool {
	if d.cfg.Limiter == nil {
		return false
	}
	for _, k := range keys {
		res, err := d.cfg.Limiter.Allow(r.Context(), "dashboard-signin:"+k, d.cfg.SignInLimit)
		if err != nil {
			d.log.WarnContext(r.Context(), "sign-in throttle", "error", err.Error())
			continue // the limiter's store is down: sign-in still works
		}
		if !res.Allowed {
			w.Header().Set("Retry-After", retryAfter(res.RetryAfter))
			data.Error = "Too many sign-in attempts. Wait a few minutes and try again."
			d.renderSignIn(w, r, http.StatusTooManyRequests, page, data)
			return true
		}
	}
	return false
}

func retryAfter(d time.Duration) string {
	return strconv.Itoa(max(1, int((d+time.Second-1)/time.Second)))
}

func (d *Dashboard) signIn(w http.ResponseWriter, r *http.Request) {
	data := signInData{Email: strings.TrimSpace(r.PostFormValue("email")), Next: safeNext(r.PostFormValue("next"))}
	d.completeSignIn(w, r, "signin.html", data, []string{"ip:" + d.cfg.ClientIP(r), "email:" + tender.NormalizeEmail(data.Email)},
		func() (*service.DashboardSession, error) {
			return d.svc.SignIn(r.Context(), data.Email, r.PostFormValue("password"))
		})
}

// completeSignIn answers a sign-in form posted from page: an expired form
// (no pre-sign-in cookie) is a 403 and a throttled one (keys) a 429 on the
// page; then signIn, whose refusal is a 401 on the page with its message.
// A session replaces the pre-sign-in cookie and goes to data.Next.
func (d *Dashboard) completeSignIn(w http.ResponseWriter, r *http.Request, page string, data signInData, keys []string, signIn func() (*service.DashboardSession, error)) {
	if !d.preSignInOK(r) {
		data.Error = "The form had expired. Try again."
		d.renderSignIn(w, r, http.StatusForbidden, page, data)
		return
	}
	if d.throttled(w, r, page, data, keys...) {
		return
	}
	sess, err := signIn()
	if err != nil {
		if tender.ErrorCode(err) != tender.EUNAUTHORIZED {
			d.errorPage(w, r, nil, 0, "", err)
			return
		}
		data.Error = tender.ErrorMessage(err)
		d.renderSignIn(w, r, http.StatusUnauthorized, page, data)
		return
	}
	d.setCookie(w, d.preCookie(), "", time.Time{})
	d.setCookie(w, d.sessionCookie(), sess.Token, sess.ExpiresAt)
	http.Redirect(w, r, data.Next, http.StatusSeeOther)
}

// linkForm shows a one-time link's page: opening the link (which mail
// scanners and chat previews do) spends nothing; its button does.
func (d *Dashboard) linkForm(w http.ResponseWriter, r *http.Request) {
	d.renderSignIn(w, r, http.StatusOK, "link.html", signInData{LinkToken: r.PathValue("token"), Next: "/"})
}

func (d *Dashboard) signInLink(w http.ResponseWriter, r *http.Request) {
	data := signInData{LinkToken: r.PostFormValue("token"), Next: "/"}
	d.completeSignIn(w, r, "link.html", data, []string{"ip:" + d.cfg.ClientIP(r)}, func() (*service.DashboardSession, error) {
		return d.svc.SignInWithLink(r.Context(), data.LinkToken)
	})
}

func (d *Dashboard) signOut(w http.ResponseWriter, r *http.Request) error {
	if err := d.svc.SignOut(r.Context(), session(r).Token); err != nil {
		return err
	}
	d.setCookie(w, d.sessionCookie(), "", time.Time{})
	http.Redirect(w, r, "/dashboard/signin", http.StatusSeeOther)
	return nil
}
