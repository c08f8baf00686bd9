package httpapi

import (
	"net/http"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/service"
)

// forgotInput is POST /forgot's body.
type forgotInput struct {
	Email string `json:"email"`
}

// forgotAnswer is POST /forgot's one answer, whether or not the address
// has an account.
var forgotAnswer = map[string]string{"message": "If an account uses this email, a password reset link is on its way to it."}

func (a *API) forgotPassword(w http.ResponseWriter, r *http.Request) error {
	var in forgotInput
	if err := decode(r, &in); err != nil {
		return err
	}
	// The address's own budget (besides the client's): a flood of reset
	// emails to one person is refused from anywhere, account or not.
	if !a.allowKey(w, r, limitAccount+"_email", service.TokenHash(tender.NormalizeEmail(in.Email)), a.cfg.ForgotEmailRateLimit) {
		return nil
	}
	if err := a.svc.ForgotPassword(r.Context(), in.Email); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, forgotAnswer)
	return nil
}

func (a *API) getResetToken(w http.ResponseWriter, r *http.Request) error {
	st, err := a.svc.ResetToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// resetInput is POST /reset/{token}'s body.
type resetInput struct {
	Password string `json:"password"`
}

func (a *API) resetPassword(w http.ResponseWriter, r *http.Request) error {
	var in resetInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if _, err := a.svc.ResetPassword(r.Context(), r.PathValue("token"), in.Password); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "Your password was changed; sign in with it."})
	return nil
}

func (a *API) resendVerification(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.ResendVerification(r.Context(), principal(r.Context()).User); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "A verification link is on its way to your email."})
	return nil
}

func (a *API) verifyEmail(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.svc.VerifyEmail(r.Context(), r.PathValue("token")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "Your email is verified."})
	return nil
}

// signUpInput is POST /self's body.
type signUpInput struct {
	CompanyName string `json:"company_name"`
	Name        string `json:"name"`
	Email       string `json:"email"`
	Password    string `json:"password"`
}

func (a *API) signUp(w http.ResponseWriter, r *http.Request) error {
	var in signUpInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := a.svc.SignUp(r.Context(), &service.SignUpInput{CompanyName: in.CompanyName, Name: in.Name,
		Email: in.Email, Password: in.Password})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (a *API) emailExists(w http.ResponseWriter, r *http.Request) error {
	ok, err := a.svc.EmailTaken(r.Context(), r.URL.Query().Get("email"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]bool{"exists": ok})
	return nil
}
