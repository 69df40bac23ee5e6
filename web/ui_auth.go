package web

import (
	"errors"
	"net/http"
	"strings"

	"kntc/auth"
	"kntc/internal/errs"
	"kntc/internal/textin"
)

// loginForm is the sign-in form as typed, kept when it comes back.
type loginForm struct {
	Username string
	Next     string
	Out      bool // just signed out
}

// handleRoot is the dashboard when signed in, else the login page.
func (p *pages) handleRoot() http.Handler {
	dash := p.handleDashboard()
	login := p.handleLoginPage()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := r.Context().Value(userKey).(auth.User); ok {
			dash.ServeHTTP(w, r)
			return
		}
		login.ServeHTTP(w, r)
	})
}

// renderLogin shows the login form; it gives the browser the form's token
// cookie when it has none (the token of a signed-out form).
func (p *pages) renderLogin(w http.ResponseWriter, r *http.Request, status int, f loginForm, problem string) {
	if csrfToken(r) == "" {
		token := auth.NewSecret(24)
		p.setCookie(w, loginCSRFCookie, token, 0)
		r.AddCookie(&http.Cookie{Name: loginCSRFCookie, Value: token})
	}
	v := p.view(r, "", "login.title")
	v.Data, v.Error = f, problem
	if f.Out {
		v.Notice = v.L.T("login.out")
	}
	p.render(w, r, status, "login", v)
}

func (p *pages) handleLoginPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := r.Context().Value(userKey).(auth.User); ok {
			http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
			return
		}
		p.renderLogin(w, r, http.StatusOK, loginForm{Next: localPath(r.URL.Query().Get("next")), Out: r.URL.Query().Has("out")}, "")
	})
}

// handleLoginPost signs in with the same checks and limits as POST /api/v1/login
// (the same limiter: failures through either count together).
func (p *pages) handleLoginPost() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		L := p.printer(r)
		name := strings.ToLower(textin.Strip(r.PostForm.Get("username")))
		password := r.PostForm.Get("password")
		f := loginForm{Username: name, Next: localPath(r.PostForm.Get("next"))}
		ip := clientIP(r)
		if wait, refused := p.limiter.refused(name, ip); refused {
			p.logger.WarnContext(r.Context(), "login rate limited", "username", name, "client_ip", ip)
			w.Header().Set("Retry-After", retryAfter(wait))
			p.renderLogin(w, r, http.StatusTooManyRequests, f, L.T("login.limited"))
			return
		}
		if name == "" || password == "" {
			p.renderLogin(w, r, http.StatusUnprocessableEntity, f, L.T("login.required"))
			return
		}
		if err := pause(r.Context(), p.limiter.delay(name)); err != nil {
			return // the client has gone
		}
		token, u, err := p.deps.Accounts.StartSession(r.Context(), name, password)
		if errors.Is(err, auth.ErrBadCredentials) {
			p.limiter.failed(name, ip)
			p.renderLogin(w, r, http.StatusUnauthorized, f, L.T("login.bad"))
			return
		}
		if err != nil {
			p.fail(w, r, err)
			return
		}
		p.limiter.succeeded(name, ip)
		p.logger.InfoContext(r.Context(), "login", "user_id", u.ID, "username", u.Username, "client_ip", ip, "via", "page")
		p.setCookie(w, sessionCookie, token, 0)
		p.clearCookie(w, loginCSRFCookie)
		http.Redirect(w, r, f.Next, http.StatusSeeOther)
	})
}

// handleLogoutPost ends the session (deleted on the server) and goes to the login
// page.
func (p *pages) handleLogoutPost() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s, ok := r.Context().Value(sessionKey{}).(string); ok {
			if err := p.deps.Accounts.EndSession(r.Context(), s); err != nil {
				p.fail(w, r, err)
				return
			}
		}
		p.clearCookie(w, sessionCookie)
		http.Redirect(w, r, "/login?out", http.StatusSeeOther)
	})
}

// passwordForm is the change of one's own password; passwords never come back
// into the page.
type passwordForm struct {
	Done     bool
	Problems map[string]string // by field: current, new, confirm
}

func (p *pages) handlePasswordPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := p.view(r, "password", "password.title")
		f := passwordForm{Done: r.URL.Query().Has("done")}
		if f.Done {
			v.Notice = v.L.T("password.done")
		}
		v.Data = f
		p.render(w, r, http.StatusOK, "password", v)
	})
}

// handlePasswordPost changes the user's own password through
// auth.Service.ChangeOwnPassword (the checks of every password change), which
// signs out every other session; this browser gets the new session.
func (p *pages) handlePasswordPost() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := p.view(r, "password", "password.title")
		f := passwordForm{Problems: map[string]string{}}
		current, next, confirm := r.PostForm.Get("current"), r.PostForm.Get("new"), r.PostForm.Get("confirm")
		if current == "" {
			f.Problems["current"] = v.L.T("form.required")
		}
		if next == "" {
			f.Problems["new"] = v.L.T("form.required")
		} else if next != confirm {
			f.Problems["confirm"] = v.L.T("password.mismatch")
		}
		if len(f.Problems) == 0 {
			token, err := p.deps.Accounts.ChangeOwnPassword(r.Context(), *v.User, current, next)
			switch {
			case errors.Is(err, auth.ErrBadCredentials):
				f.Problems["current"] = v.L.T("password.wrong")
			case errors.Is(err, errs.ErrInvalid):
				f.Problems["new"] = problemText(err)
			case err != nil:
				p.fail(w, r, err)
				return
			default:
				p.setCookie(w, sessionCookie, token, 0)
				http.Redirect(w, r, "/password?done", http.StatusSeeOther)
				return
			}
		}
		v.Data = f
		v.Error = v.L.T("form.problems")
		p.render(w, r, http.StatusUnprocessableEntity, "password", v)
	})
}

// problemText is the message of an invalid-input error without its sentinel's
// words, as the API shows it.
func problemText(err error) string {
	return strings.TrimSuffix(err.Error(), ": "+errs.ErrInvalid.Error())
}
